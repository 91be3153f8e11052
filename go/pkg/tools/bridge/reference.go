package bridge

import (
	"context"

	"github.com/astercloud/aster/internal/asterref"
)

// defaultBridgeURL is where upstream's prelude calls tools when no URL is set.
const defaultBridgeURL = "http://localhost:8080"

// referenceWrap wraps code as the reference's runtime does.
func referenceWrap(code string, tools []string, input map[string]any) (string, error) {
	return asterref.Wrap(context.Background(), code, tools, input)
}

// run runs a wrapped program with the reference's runtime.
func (r *PythonRuntime) run(ctx context.Context, program string) (*ExecutionResult, error) {
	bridgeURL := r.bridgeURL
	if bridgeURL == "" {
		bridgeURL = defaultBridgeURL
	}
	execution, err := asterref.RunWrapped(ctx, program, asterref.RunOptions{
		Timeout:   r.config.Timeout,
		BridgeURL: bridgeURL,
		WorkDir:   r.config.WorkDir,
		MaxOutput: r.config.MaxOutput,
		Env:       r.config.Env,
	})
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
