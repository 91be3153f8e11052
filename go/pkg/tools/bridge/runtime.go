package bridge

// This file keeps upstream's runtime.go structure where pages patch it (see
// go/api/patch-points.toml): Execute wraps the code with `wrappedCode :=
// r.wrapCode(code, input)`, and the file imports only packages upstream's imports.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// ExecutionResult is the outcome of one execution. Duration is in milliseconds.
type ExecutionResult struct {
	Success  bool   `json:"success"`
	Output   any    `json:"output,omitempty"`
	Stdout   string `json:"stdout,omitempty"`
	Stderr   string `json:"stderr,omitempty"`
	Error    string `json:"error,omitempty"`
	ExitCode int    `json:"exit_code"`
	Duration int64  `json:"duration_ms"`
}

// RuntimeConfig configures a runtime. The runtime keeps the pointer, so later changes apply.
type RuntimeConfig struct {
	Timeout   time.Duration
	WorkDir   string
	Env       map[string]string
	MaxOutput int // bytes kept of stdout and of stderr; 0 keeps the reference's default
}

// DefaultRuntimeConfig returns upstream's defaults: a 30 s timeout, the system temp dir
// as work dir, no extra environment, 1 MiB of output.
func DefaultRuntimeConfig() *RuntimeConfig {
	return &RuntimeConfig{
		Timeout:   30 * time.Second,
		WorkDir:   os.TempDir(),
		Env:       make(map[string]string),
		MaxOutput: 1024 * 1024,
	}
}

// PythonRuntime runs PTC code: the code is wrapped with the SDK prelude, which defines
// every tool set with SetTools as an async function calling the bridge, and run in a
// Python process of its own: forked from the warm interpreter of the `aster-ref serve`
// behind the bridge URL when one of this user runs on this machine, else a fresh one.
type PythonRuntime struct {
	config         *RuntimeConfig
	availableTools []string
	bridgeURL      string
}

// NewPythonRuntime returns a runtime; a nil config means DefaultRuntimeConfig().
func NewPythonRuntime(config *RuntimeConfig) *PythonRuntime {
	if config == nil {
		config = DefaultRuntimeConfig()
	}
	return &PythonRuntime{config: config}
}

// SetTools sets the tools the prelude defines. Without it (or with none) the prelude
// defines the tools the bridge lets code call (upstream then defines none and runs the
// code without the prelude).
func (r *PythonRuntime) SetTools(tools []string) {
	r.availableTools = tools
}

// SetBridgeURL sets the bridge the code calls tools through (default http://localhost:8080).
func (r *PythonRuntime) SetBridgeURL(url string) {
	r.bridgeURL = url
}

// Execute runs code, with input available to it as the dict input_data. A failed run
// (non-zero exit, "execution timeout") is a result with Success false, not an error.
func (r *PythonRuntime) Execute(ctx context.Context, code string, input map[string]any) (*ExecutionResult, error) {
	wrappedCode := r.wrapCode(code, input)
	return r.run(ctx, wrappedCode)
}

// wrapCode returns the program Execute runs. The reference wraps it where it runs it, so
// it is wrapped here only if something prints it (see wrappedProgram).
func (r *PythonRuntime) wrapCode(code string, input map[string]any) *wrappedProgram {
	return &wrappedProgram{code: code, tools: r.availableTools, input: input}
}

// exitWith returns a Python program that prints err on stderr and exits 1.
func exitWith(err error) string {
	message, _ := json.Marshal(err.Error()) // a JSON string is a Python string literal
	return fmt.Sprintf("raise SystemExit(%s)\n", message)
}
