package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/astercloud/aster/internal/asterref"
)

// Runtime defaults, as in the Go host.
const (
	DefaultTimeout   = 30 * time.Second
	DefaultBridgeURL = "http://localhost:8080"
)

// ErrWrapFailed is returned when `aster-ref wrap` cannot wrap the code.
var ErrWrapFailed = errors.New("cannot wrap the code")

// RuntimeConfig configures a PythonRuntime. Zero fields take the defaults.
type RuntimeConfig struct {
	// Timeout ends an execution with the error "execution timeout" (default 30 s).
	Timeout time.Duration
	// WorkDir is where the aster_*.py temp file is written and the code runs
	// (default: the system temp dir for the file, the current directory for the code).
	WorkDir string
	// Env adds environment variables for the code.
	Env map[string]string
	// MaxOutput is how many bytes of stdout and of stderr are kept; the rest is
	// cut off with a truncation marker (default: the reference's 1 MiB).
	MaxOutput int
	// Python is the interpreter that runs the code (default: the reference's python3).
	Python string
}

// PythonRuntime runs PTC code: it wraps the code with the SDK prelude (every
// code-callable tool becomes `async def Tool(**kwargs)`) and runs it in a fresh
// Python process against the bridge.
type PythonRuntime struct {
	config    RuntimeConfig
	bridgeURL string
	tools     []string
}

// NewPythonRuntime returns a runtime; a nil cfg means the defaults.
func NewPythonRuntime(cfg *RuntimeConfig) *PythonRuntime {
	config := RuntimeConfig{}
	if cfg != nil {
		config = *cfg
	}
	if config.Timeout <= 0 {
		config.Timeout = DefaultTimeout
	}
	return &PythonRuntime{config: config, bridgeURL: DefaultBridgeURL}
}

// Config returns the configuration in use, defaults filled in.
func (r *PythonRuntime) Config() RuntimeConfig { return r.config }

// SetBridgeURL sets the bridge the code calls tools through.
func (r *PythonRuntime) SetBridgeURL(url string) { r.bridgeURL = url }

// BridgeURL returns the bridge the code calls tools through.
func (r *PythonRuntime) BridgeURL() string { return r.bridgeURL }

// SetTools sets the tools the prelude defines; none means the reference's default
// (its code-callable built-ins).
func (r *PythonRuntime) SetTools(names []string) { r.tools = append([]string(nil), names...) }

// ExecutionResult is the outcome of one execution.
type ExecutionResult struct {
	Success bool `json:"success"`
	// Output is the code's stdout parsed as JSON, when it is JSON.
	Output   any           `json:"output"`
	Stdout   string        `json:"stdout"`
	Stderr   string        `json:"stderr"`
	Error    string        `json:"error"`
	ExitCode int           `json:"exit_code"`
	Duration time.Duration `json:"duration"`
}

// MarshalJSON writes the result as the reference does, duration in seconds.
func (e ExecutionResult) MarshalJSON() ([]byte, error) {
	type plain ExecutionResult
	return json.Marshal(struct {
		plain
		Duration float64 `json:"duration"`
	}{plain(e), e.Duration.Seconds()})
}

// UnmarshalJSON reads the reference's result, whose duration is in seconds.
func (e *ExecutionResult) UnmarshalJSON(data []byte) error {
	type plain ExecutionResult
	var wire struct {
		plain
		Duration float64 `json:"duration"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*e = ExecutionResult(wire.plain)
	e.Duration = time.Duration(wire.Duration * float64(time.Second))
	return nil
}

// Execute runs code with input available to it as the global dict input_data.
func (r *PythonRuntime) Execute(ctx context.Context, code string, input map[string]any) (*ExecutionResult, error) {
	wrappedCode := r.wrapCode(code, input)
	return r.run(ctx, wrappedCode)
}

// wrappedProgram is the code wrapped with the SDK prelude, or why wrapping failed.
// It prints as the program text, so it can be logged with %s.
type wrappedProgram struct {
	source string
	err    error
}

func (w wrappedProgram) String() string {
	if w.err != nil {
		return w.err.Error()
	}
	return w.source
}

// wrapCode runs `aster-ref wrap`.
func (r *PythonRuntime) wrapCode(code string, input map[string]any) wrappedProgram {
	args := []string{"wrap"}
	if len(r.tools) > 0 {
		args = append(args, "--tools", strings.Join(r.tools, ","))
	}
	if input != nil {
		payload, err := json.Marshal(input)
		if err != nil {
			return wrappedProgram{err: fmt.Errorf("%w: input is not JSON: %v", ErrWrapFailed, err)}
		}
		args = append(args, "--input", string(payload))
	}
	out, err := r.reference(context.Background(), []byte(code), append(args, "-")...)
	if err != nil {
		return wrappedProgram{err: err}
	}
	if out.ExitCode != 0 {
		return wrappedProgram{err: fmt.Errorf("%w: %s", ErrWrapFailed, asterref.Tail(out.Stderr, 10))}
	}
	return wrappedProgram{source: string(out.Stdout)}
}

// run runs wrapped code with `aster-ref run --wrapped --json`. Cancelling ctx
// interrupts the reference, which kills the code's process group.
func (r *PythonRuntime) run(ctx context.Context, program wrappedProgram) (*ExecutionResult, error) {
	if program.err != nil {
		return nil, program.err
	}
	args := []string{
		"run", "--wrapped", "--json",
		"--timeout", strconv.FormatFloat(r.config.Timeout.Seconds(), 'f', -1, 64),
		"--bridge-url", r.bridgeURL,
	}
	if r.config.Python != "" {
		args = append(args, "--python", r.config.Python)
	}
	if r.config.MaxOutput > 0 {
		args = append(args, "--max-output", strconv.Itoa(r.config.MaxOutput))
	}
	if r.config.WorkDir != "" {
		// Absolute, because the reference itself already runs in WorkDir (see reference).
		workDir, err := filepath.Abs(r.config.WorkDir)
		if err != nil {
			return nil, fmt.Errorf("work dir %q: %w", r.config.WorkDir, err)
		}
		args = append(args, "--work-dir", workDir)
	}
	out, err := r.reference(ctx, []byte(program.source), append(args, "-")...)
	if err != nil {
		if ctx.Err() != nil {
			log.Printf("python runtime: execution cancelled: %v", ctx.Err())
		}
		return nil, err
	}
	var result ExecutionResult
	if err := json.Unmarshal(out.Stdout, &result); err != nil {
		return nil, fmt.Errorf("aster-ref run exited %d without a JSON result: %s",
			out.ExitCode, asterref.Tail(append(out.Stdout, out.Stderr...), 10))
	}
	return &result, nil
}

// reference runs one aster-ref command in the configured work dir and environment.
func (r *PythonRuntime) reference(ctx context.Context, stdin []byte, args ...string) (*asterref.Result, error) {
	cmd, err := asterref.Command(args...)
	if err != nil {
		return nil, err
	}
	cmd.Dir = r.config.WorkDir
	if len(r.config.Env) > 0 {
		cmd.Env = os.Environ()
		for name, value := range r.config.Env {
			cmd.Env = append(cmd.Env, name+"="+value)
		}
	}
	return asterref.Run(ctx, cmd, stdin)
}
