// Package bridge runs PTC: the HTTP bridge server code calls tools through, and the
// Python runtime that executes the code. Both are the aster_ref reference, driven
// through its aster-ref command.
package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
)

// Bridge errors.
var (
	ErrUnknownTool     = errors.New("unknown tool")
	ErrGoTool          = errors.New("tool is implemented in Go; the aster_ref bridge can only serve its built-in tools to code")
	ErrMixedWorkspaces = errors.New("built-in tools use different workspace roots; the bridge serves one root")
)

// ToolBridge connects a tool registry to code: it decides what the HTTP bridge serves.
type ToolBridge struct {
	registry *tools.Registry
}

// NewToolBridge returns a bridge over reg.
func NewToolBridge(reg *tools.Registry) *ToolBridge {
	return &ToolBridge{registry: reg}
}

// Registry returns the registry the bridge serves.
func (b *ToolBridge) Registry() *tools.Registry { return b.registry }

// CallTool runs a registered tool as a direct caller.
func (b *ToolBridge) CallTool(ctx context.Context, name string, input map[string]any) (any, error) {
	tool, ok := b.registry.Get(name)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownTool, name)
	}
	return tool.Execute(ctx, input, &tools.ToolContext{Caller: provider.CallerDirect})
}

// served is what `aster-ref serve` needs from the registry: the workspace root and
// the schema overrides (tools whose AllowedCallers were set in Go).
type served struct {
	root      string
	overrides []provider.ToolSchema
}

func (b *ToolBridge) served() (served, error) {
	var s served
	for _, tool := range b.registry.Tools() {
		schema := tool.Schema()
		root, isReference := tools.WorkspaceRoot(tool)
		if !isReference {
			if schema.Allows(provider.CallerCodeExecution) {
				return served{}, fmt.Errorf("%w: %s", ErrGoTool, schema.Name)
			}
			continue
		}
		if s.root != "" && s.root != root {
			return served{}, fmt.Errorf("%w: %s and %s", ErrMixedWorkspaces, s.root, root)
		}
		s.root = root
		if schema.AllowedCallers != nil {
			s.overrides = append(s.overrides, schema)
		}
	}
	if s.root == "" {
		s.root = "."
	}
	root, err := filepath.Abs(s.root)
	if err != nil {
		return served{}, err
	}
	s.root = root
	return s, nil
}

// writeSchemas writes the overrides as the JSON list `aster-ref serve --schemas` reads.
func writeSchemas(overrides []provider.ToolSchema) (string, error) {
	file, err := os.CreateTemp("", "aster-schemas-*.json")
	if err != nil {
		return "", err
	}
	defer file.Close()
	if overrides == nil {
		overrides = []provider.ToolSchema{}
	}
	if err := json.NewEncoder(file).Encode(overrides); err != nil {
		os.Remove(file.Name())
		return "", err
	}
	return file.Name(), nil
}
