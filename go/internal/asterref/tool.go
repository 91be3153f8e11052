package asterref

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/astercloud/aster/pkg/tools"
)

// DefaultBridgeURL is where code calls tools when no URL is set (aster_ref.defaults.DEFAULT_BRIDGE_URL).
const DefaultBridgeURL = "http://localhost:8080"

// BuiltinNames are the reference's built-in tools, the only ones `aster-ref serve` can serve.
var BuiltinNames = []string{"Read", "Write", "Glob", "Grep", "Bash"}

// Tool is a reference built-in tool. It acts in the current working directory, as
// upstream's tools act relative to the process's directory.
type Tool struct {
	name string
}

// NewTool returns the reference's built-in tool name (one of BuiltinNames).
func NewTool(name string) *Tool { return &Tool{name: name} }

// IsBuiltin reports whether tool is a reference built-in tool.
func IsBuiltin(tool tools.Tool) bool {
	builtin, ok := tool.(*Tool)
	return ok && slices.Contains(BuiltinNames, builtin.name)
}

// Name returns the tool's name.
func (t *Tool) Name() string { return t.name }

// Description says where the tool's behaviour comes from.
func (t *Tool) Description() string {
	return "aster_ref built-in tool " + t.name + " (the docs' reference implementation)"
}

// InputSchema is a plain object: the reference checks the input itself.
func (t *Tool) InputSchema() map[string]any { return map[string]any{"type": "object"} }

// Prompt is empty: the reference's tools need no usage notes here.
func (t *Tool) Prompt() string { return "" }

// callAnswer is what `aster-ref call` prints.
type callAnswer struct {
	Success bool   `json:"success"`
	Result  any    `json:"result"`
	Error   string `json:"error"`
}

// Execute runs the tool once as a direct caller (`aster-ref call --root CWD NAME -`) and
// returns its result, or the reference's error message as the error.
func (t *Tool) Execute(ctx context.Context, input map[string]any, _ *tools.ToolContext) (any, error) {
	if input == nil {
		input = map[string]any{}
	}
	payload, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("tool %s: input is not JSON: %w", t.name, err)
	}
	root, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	cmd, err := Command("call", "--root", root, t.name, "-")
	if err != nil {
		return nil, err
	}
	out, err := Run(ctx, cmd, payload)
	if err != nil {
		return nil, err
	}
	var answer callAnswer
	if err := json.Unmarshal(out.Stdout, &answer); err != nil {
		return nil, fmt.Errorf("tool %s: aster-ref call exited %d without a JSON answer: %s",
			t.name, out.ExitCode, Tail(append(out.Stdout, out.Stderr...), 5))
	}
	if !answer.Success {
		return nil, errors.New(answer.Error)
	}
	return answer.Result, nil
}
