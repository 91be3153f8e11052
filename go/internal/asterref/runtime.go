package asterref

import (
	"context"
	"encoding/json"
	"fmt"
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
	if input != nil {
		payload, err := json.Marshal(input)
		if err != nil {
			return "", fmt.Errorf("input is not JSON: %w", err)
		}
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

// RunOptions configure one run of a wrapped program. Zero values take the reference's defaults.
type RunOptions struct {
	Timeout   time.Duration
	BridgeURL string
	WorkDir   string
	MaxOutput int
	Env       map[string]string
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

// RunWrapped runs a program Wrap made with `aster-ref run --wrapped --json`. Cancelling
// ctx interrupts the reference, which kills the program's process group.
func RunWrapped(ctx context.Context, program string, options RunOptions) (*Execution, error) {
	args := []string{"run", "--wrapped", "--json"}
	if options.Timeout > 0 {
		args = append(args, "--timeout", strconv.FormatFloat(options.Timeout.Seconds(), 'f', -1, 64))
	}
	if options.BridgeURL != "" {
		args = append(args, "--bridge-url", options.BridgeURL)
	}
	if options.MaxOutput > 0 {
		args = append(args, "--max-output", strconv.Itoa(options.MaxOutput))
	}
	if options.WorkDir != "" {
		workDir, err := filepath.Abs(options.WorkDir)
		if err != nil {
			return nil, fmt.Errorf("work dir %q: %w", options.WorkDir, err)
		}
		args = append(args, "--work-dir", workDir)
	}
	cmd, err := Command(append(args, "-")...)
	if err != nil {
		return nil, err
	}
	if len(options.Env) > 0 {
		cmd.Env = os.Environ()
		for name, value := range options.Env {
			cmd.Env = append(cmd.Env, name+"="+value)
		}
	}
	out, err := Run(ctx, cmd, []byte(program))
	if err != nil {
		return nil, err
	}
	var execution Execution
	if err := json.Unmarshal(out.Stdout, &execution); err != nil {
		return nil, fmt.Errorf("aster-ref run exited %d without a JSON result: %s",
			out.ExitCode, Tail(append(out.Stdout, out.Stderr...), 10))
	}
	return &execution, nil
}
