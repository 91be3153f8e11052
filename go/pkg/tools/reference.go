package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/astercloud/aster/internal/asterref"
	"github.com/astercloud/aster/pkg/provider"
)

// NewBuiltin returns the aster_ref built-in tool name (Read, Write, Glob, Grep, Bash)
// acting inside the workspace root. Execute runs `aster-ref call --root ROOT NAME -`.
// Its Schema has nil AllowedCallers: the reference's default applies unless the
// tool is wrapped with WithSchema.
func NewBuiltin(name string, root string) Tool {
	return &referenceTool{name: name, root: root}
}

type referenceTool struct {
	name string
	root string
}

func (t *referenceTool) Name() string { return t.name }

func (t *referenceTool) Schema() provider.ToolSchema {
	return provider.ToolSchema{Name: t.name, Description: "aster_ref built-in tool " + t.name}
}

// callAnswer is what `aster-ref call` prints.
type callAnswer struct {
	Success bool   `json:"success"`
	Result  any    `json:"result"`
	Error   string `json:"error"`
}

// Execute runs the tool once, as a direct caller, and returns its result or the
// reference's error message.
func (t *referenceTool) Execute(ctx context.Context, input map[string]any, _ *ToolContext) (any, error) {
	if input == nil {
		input = map[string]any{}
	}
	payload, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("tool %s: input is not JSON: %w", t.name, err)
	}
	cmd, err := asterref.Command("call", "--root", t.root, t.name, "-")
	if err != nil {
		return nil, err
	}
	out, err := asterref.Run(ctx, cmd, payload)
	if err != nil {
		return nil, err
	}
	var answer callAnswer
	if err := json.Unmarshal(out.Stdout, &answer); err != nil {
		return nil, fmt.Errorf("tool %s: aster-ref call exited %d without a JSON answer: %s",
			t.name, out.ExitCode, asterref.Tail(append(out.Stdout, out.Stderr...), 5))
	}
	if !answer.Success {
		return nil, errors.New(answer.Error)
	}
	return answer.Result, nil
}
