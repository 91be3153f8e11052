package builtin

import (
	"context"
	"errors"
	"sync"

	"github.com/astercloud/aster/internal/asterref"
	"github.com/astercloud/aster/pkg/tools"
	"github.com/astercloud/aster/pkg/tools/bridge"
)

// CodeExecuteTool lets the model run code that calls the bridge's tools (PTC). The mirror
// runs Python only (upstream also runs Node.js and Bash).
type CodeExecuteTool struct {
	runtime    *bridge.PythonRuntime
	toolBridge *bridge.ToolBridge

	mu            sync.Mutex
	bridgeURL     string
	serverStarted bool
}

// NewCodeExecuteToolWithBridge returns the tool for toolBridge's tools, calling them
// through the bridge at http://localhost:8080 unless SetBridgeURL changes it.
func NewCodeExecuteToolWithBridge(toolBridge *bridge.ToolBridge) *CodeExecuteTool {
	return &CodeExecuteTool{
		runtime:    bridge.NewPythonRuntime(nil),
		toolBridge: toolBridge,
		bridgeURL:  asterref.DefaultBridgeURL,
	}
}

// SetBridgeURL sets the bridge the code calls tools through. As upstream's, it has no
// effect once the first Execute has set up the runtime.
func (t *CodeExecuteTool) SetBridgeURL(url string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.bridgeURL = url
}

// Name returns "CodeExecute".
func (t *CodeExecuteTool) Name() string { return "CodeExecute" }

// Description tells the model what the tool does.
func (t *CodeExecuteTool) Description() string {
	return "Run Python code that calls the registered tools with await, e.g. await Read(path=...)"
}

// InputSchema takes the language, the code and optional input data.
func (t *CodeExecuteTool) InputSchema() map[string]any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"language": map[string]any{"type": "string", "enum": []string{"python"}},
			"code":     map[string]any{"type": "string"},
			"input":    map[string]any{"type": "object"},
		},
		"required": []string{"language", "code"},
	}
}

// Prompt tells the model how to write the code.
func (t *CodeExecuteTool) Prompt() string {
	return "Write Python that awaits the tools as async functions; input data is in input_data."
}

// ensureBridgeServer does what upstream's does on the first Execute: start an
// HTTPBridgeServer on the bridge URL (upstream passes the URL as the listen address,
// which net/http refuses, so that server prints an error and code needs one started by
// the program), and give the runtime the bridge's tools and URL.
func (t *CodeExecuteTool) ensureBridgeServer() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.serverStarted {
		return
	}
	_ = bridge.NewHTTPBridgeServer(t.toolBridge, t.bridgeURL).StartAsync()
	t.runtime.SetTools(t.toolBridge.ListAvailableTools())
	t.runtime.SetBridgeURL(t.bridgeURL)
	t.serverStarted = true
}

// Execute runs input["code"] (input["language"] must be "python") with input["input"]
// as input_data. The result is a map with upstream's keys: success, output, stdout,
// stderr, error, exit_code, duration_ms.
func (t *CodeExecuteTool) Execute(ctx context.Context, input map[string]any, tc *tools.ToolContext) (any, error) {
	t.ensureBridgeServer()
	language, ok := input["language"].(string)
	if !ok {
		return nil, errors.New("language must be a string")
	}
	code, ok := input["code"].(string)
	if !ok || code == "" {
		return nil, errors.New("code must be a non-empty string")
	}
	if language != "python" {
		return map[string]any{
			"success": false,
			"error":   "unsupported language: " + language + " (the docs' Go mirror runs python only)",
		}, nil
	}
	codeInput := make(map[string]any)
	if data, ok := input["input"].(map[string]any); ok {
		codeInput = data
	}
	result, err := t.runtime.Execute(ctx, code, codeInput)
	if err != nil {
		return map[string]any{"success": false, "error": err.Error()}, nil
	}
	return map[string]any{
		"success":     result.Success,
		"output":      result.Output,
		"stdout":      result.Stdout,
		"stderr":      result.Stderr,
		"error":       result.Error,
		"exit_code":   result.ExitCode,
		"duration_ms": result.Duration,
	}, nil
}
