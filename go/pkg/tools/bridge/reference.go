package bridge

import (
	"context"
	"errors"

	"github.com/astercloud/aster/internal/asterref"
)

// defaultBridgeURL is where upstream's prelude calls tools when no URL is set.
const defaultBridgeURL = asterref.DefaultBridgeURL

// wrappedProgram is the program Execute runs: the SDK prelude, then the code. The reference
// wraps it where it runs it (in `aster-ref serve`, or in the one `aster-ref run` of a cold
// start), so Execute sends the code, unwrapped. Printing the program (String, as the page's
// "see the generated code" patch does with %s) wraps it here with `aster-ref wrap`, and
// Execute then runs exactly that text. Without SetTools, that text defines the reference's
// default tools (aster-ref wrap's), not the bridge's.
type wrappedProgram struct {
	code  string
	tools []string
	input map[string]any
	text  *string // the program, once String has wrapped it
}

// String wraps the code as the reference's runtime does. When the reference cannot (say,
// a tool name that is no Python identifier), the program exits with the reason, so the
// run reports it.
func (p *wrappedProgram) String() string {
	if p.text == nil {
		text, err := asterref.Wrap(context.Background(), p.code, p.tools, p.input)
		if err != nil {
			text = exitWith(err)
		}
		p.text = &text
	}
	return *p.text
}

// run runs program with the reference's runtime. A run the reference refuses is a failed
// result with its reason, as a program that could not start is upstream's (exit code -1).
func (r *PythonRuntime) run(ctx context.Context, program *wrappedProgram) (*ExecutionResult, error) {
	request := asterref.Request{
		BridgeURL: r.bridgeURL,
		Timeout:   r.config.Timeout,
		WorkDir:   r.config.WorkDir,
		MaxOutput: r.config.MaxOutput,
		Env:       r.config.Env,
	}
	if request.BridgeURL == "" {
		request.BridgeURL = defaultBridgeURL
	}
	if program.text != nil {
		request.Program = *program.text
	} else {
		request.Code, request.Tools, request.Input = program.code, program.tools, program.input
	}
	execution, err := asterref.Execute(ctx, request)
	var refused *asterref.RefusedError
	if errors.As(err, &refused) {
		return &ExecutionResult{Error: refused.Message, ExitCode: -1}, nil
	}
	if err != nil {
		return nil, err
	}
	return &ExecutionResult{
		Success:  execution.Success,
		Output:   execution.Output,
		Stdout:   execution.Stdout,
		Stderr:   execution.Stderr,
		Error:    execution.Error,
		ExitCode: execution.ExitCode,
		Duration: int64(execution.Duration * 1000),
	}, nil
}
