// Package builtin holds Aster's built-in host tools.
package builtin

import (
	"context"
	"errors"

	"github.com/astercloud/aster/pkg/bridge"
	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
)

// CodeExecuteName is the name of the code execution tool.
const CodeExecuteName = "CodeExecute"

// ErrMissingCode is returned when the input has no "code" string.
var ErrMissingCode = errors.New(`input needs a "code" field holding the Python code to run`)

// CodeExecuteTool lets the model run Python that calls the registry's tools (PTC).
// Configure it before use: its setters are not safe to call during Execute.
type CodeExecuteTool struct {
	registry  *tools.Registry
	bridgeURL string
}

// NewCodeExecuteTool returns the tool over reg, with the default runtime configuration.
func NewCodeExecuteTool(reg *tools.Registry) *CodeExecuteTool {
	return &CodeExecuteTool{registry: reg, bridgeURL: bridge.DefaultBridgeURL}
}

// SetBridgeURL sets the bridge the code calls tools through.
func (t *CodeExecuteTool) SetBridgeURL(url string) { t.bridgeURL = url }

// BridgeURL returns the bridge the code calls tools through.
func (t *CodeExecuteTool) BridgeURL() string { return t.bridgeURL }

// Name returns "CodeExecute".
func (t *CodeExecuteTool) Name() string { return CodeExecuteName }

// Schema describes the tool; only the model calls it directly.
func (t *CodeExecuteTool) Schema() provider.ToolSchema {
	return provider.ToolSchema{
		Name:        CodeExecuteName,
		Description: "Run Python code that may call the registered tools with await, e.g. await Read(path=...)",
		InputSchema: map[string]any{
			"type":       "object",
			"properties": map[string]any{"code": map[string]any{"type": "string"}},
			"required":   []string{"code"},
		},
		AllowedCallers: []string{provider.CallerDirect},
	}
}

// Execute runs input["code"]; the prelude defines every other registered tool.
// The bridge decides which of them the code may really call (AllowedCallers).
// The result is a *bridge.ExecutionResult.
func (t *CodeExecuteTool) Execute(ctx context.Context, input map[string]any, _ *tools.ToolContext) (any, error) {
	code, ok := input["code"].(string)
	if !ok {
		return nil, ErrMissingCode
	}
	runtime := bridge.NewPythonRuntime(nil)
	runtime.SetBridgeURL(t.bridgeURL)
	runtime.SetTools(t.toolNames())
	return runtime.Execute(ctx, code, nil)
}

func (t *CodeExecuteTool) toolNames() []string {
	var names []string
	for _, tool := range t.registry.Tools() {
		if tool.Name() != CodeExecuteName {
			names = append(names, tool.Name())
		}
	}
	return names
}
