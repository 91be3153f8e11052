package asterref

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Wrap returns the program `aster-ref wrap` makes of code: the SDK prelude defining
// tools, then the code, with input available to it.
func Wrap(ctx context.Context, code string, tools []string, input map[string]any) (string, error) {
	args := []string{"wrap"}
	if len(tools) > 0 {
		args = append(args, "--tools", strings.Join(tools, ","))
	}
	payload, err := inputJSON(input)
	if err != nil {
		return "", err
	}
	if payload != nil {
		args = append(args, "--input", string(payload))
	}
	cmd, err := Command(append(args, "-")...)
	if err != nil {
		return "", err
	}
	out, err := Run(ctx, cmd, []byte(code))
	if err != nil {
		return "", err
	}
	if out.ExitCode != 0 {
		return "", fmt.Errorf("aster-ref wrap: %s", Tail(out.Stderr, 10))
	}
	return string(out.Stdout), nil
}

// Request is one run: Code with Tools and Input, or Program, a program Wrap made. Zero values
// take the reference's defaults: Tools the bridge's, a 30 s Timeout, 1 MiB of MaxOutput, the
// system temp dir for the temp file and the current directory to run in.
type Request struct {
	BridgeURL string
	Code      string
	Tools     []string
	Input     map[string]any
	Program   string // when set, run as is: Code, Tools and Input are not used
	Timeout   time.Duration
	WorkDir   string
	MaxOutput int
	Env       map[string]string // added to this process's environment for the code
}

// Execution is the reference's ExecutionResult (`aster-ref run --json`); Duration is in seconds.
type Execution struct {
	Success  bool    `json:"success"`
	Output   any     `json:"output"`
	Stdout   string  `json:"stdout"`
	Stderr   string  `json:"stderr"`
	Error    string  `json:"error"`
	ExitCode int     `json:"exit_code"`
	Duration float64 `json:"duration"`
}

// RefusedError is the reference's refusal to start a run (a tool name that is no Python
// identifier, say), in its own words. Nothing ran.
type RefusedError struct {
	Message string
}

func (e *RefusedError) Error() string { return e.Message }

// exitUsage is the exit code of an aster-ref command that refuses its arguments (aster_ref.cli.EXIT_USAGE).
const exitUsage = 2

// tokenVariable holds the bridge token, which aster-ref run reads from its environment (aster_ref.defaults.TOKEN_ENV).
const tokenVariable = "ASTER_BRIDGE_TOKEN"

// Execute runs request warm on the run socket of the `aster-ref serve` behind its bridge URL,
// or, when none of this user listens there, with one `aster-ref run --json` (the code on stdin).
// Cancelling ctx stops the run: the code and everything it started are killed, its temp file
// deleted. A run the reference refuses returns a *RefusedError.
func Execute(ctx context.Context, request Request) (*Execution, error) {
	input, err := inputJSON(request.Input)
	if err != nil {
		return nil, err
	}
	workDir := request.WorkDir
	if workDir != "" {
		absolute, err := filepath.Abs(workDir)
		if err != nil {
			return nil, fmt.Errorf("work dir %q: %w", workDir, err)
		}
		workDir = absolute
	}
	env := environment(request.Env)
	if conn := dialRunSocket(request.BridgeURL); conn != nil {
		return exchange(ctx, conn, socketRequest(request, input, workDir, env))
	}
	return runCommand(ctx, request, input, workDir, env)
}

// inputJSON is input as the reference takes it; nil for no input.
func inputJSON(input map[string]any) (json.RawMessage, error) {
	if input == nil {
		return nil, nil
	}
	payload, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("input is not JSON: %w", err)
	}
	return payload, nil
}

// environment is this process's environment with extra added: the whole environment of the code.
func environment(extra map[string]string) map[string]string {
	env := make(map[string]string)
	for _, entry := range os.Environ() {
		if name, value, ok := strings.Cut(entry, "="); ok {
			env[name] = value
		}
	}
	maps.Copy(env, extra)
	return env
}

// socketRequest is request as serve's run socket takes it, with this process's directories and
// environment, as a run of its own would have them.
func socketRequest(request Request, input json.RawMessage, workDir string, env map[string]string) *runRequest {
	line := &runRequest{
		Version:   protocolVersion,
		BridgeURL: request.BridgeURL,
		Token:     env[tokenVariable],
		WorkDir:   workDir,
		TempDir:   os.TempDir(),
		Env:       env,
	}
	if cwd, err := os.Getwd(); err == nil {
		line.Cwd = cwd
	}
	if request.Timeout > 0 {
		line.Timeout = request.Timeout.Seconds()
	}
	if request.MaxOutput > 0 {
		line.MaxOutput = request.MaxOutput
	}
	if request.Program != "" {
		line.Program = &request.Program
	} else {
		line.Code, line.Tools, line.Input = &request.Code, request.Tools, input
	}
	return line
}

// runCommand runs request with `aster-ref run --json`, the code (or program) on stdin. Cancelling
// ctx interrupts it, and it kills the code's process group.
func runCommand(ctx context.Context, request Request, input json.RawMessage, workDir string, env map[string]string) (*Execution, error) {
	args := []string{"run", "--json"}
	source := request.Program
	if source != "" {
		args = append(args, "--wrapped")
	} else {
		source = request.Code
		if len(request.Tools) > 0 {
			args = append(args, "--tools", strings.Join(request.Tools, ","))
		}
		if input != nil {
			args = append(args, "--input", string(input))
		}
	}
	if request.Timeout > 0 {
		args = append(args, "--timeout", strconv.FormatFloat(request.Timeout.Seconds(), 'f', -1, 64))
	}
	if request.BridgeURL != "" {
		args = append(args, "--bridge-url", request.BridgeURL)
	}
	if request.MaxOutput > 0 {
		args = append(args, "--max-output", strconv.Itoa(request.MaxOutput))
	}
	if workDir != "" {
		args = append(args, "--work-dir", workDir)
	}
	cmd, err := Command(append(args, "-")...)
	if err != nil {
		return nil, err
	}
	cmd.Env = make([]string, 0, len(env))
	for name, value := range env {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	out, err := Run(ctx, cmd, []byte(source))
	if err != nil {
		return nil, err
	}
	var execution Execution
	if err := json.Unmarshal(out.Stdout, &execution); err != nil {
		if out.ExitCode == exitUsage {
			return nil, &RefusedError{Message: Tail(out.Stderr, 10)}
		}
		return nil, fmt.Errorf("aster-ref run exited %d without a JSON result: %s",
			out.ExitCode, Tail(append(out.Stdout, out.Stderr...), 10))
	}
	return &execution, nil
}
