// Package tools defines Aster's Tool interface, the Registry, and tools whose
// behaviour comes from the aster_ref reference.
package tools

import (
	"context"

	"github.com/astercloud/aster/pkg/provider"
)

// ToolContext carries what a tool call knows about its caller.
type ToolContext struct {
	// Caller is provider.CallerDirect or provider.CallerCodeExecution; empty means direct.
	// aster_ref built-ins run in-process as a direct caller; the bridge enforces
	// AllowedCallers for code.
	Caller string
}

// Tool is something the model (or code it writes) can call.
type Tool interface {
	Name() string
	Schema() provider.ToolSchema
	Execute(ctx context.Context, input map[string]any, tc *ToolContext) (any, error)
}

// WithSchema returns t with its schema replaced by schema, for example to set
// AllowedCallers. schema.Name must equal t.Name(); Registry.Register checks it.
func WithSchema(t Tool, schema provider.ToolSchema) Tool {
	return &schemaTool{Tool: t, schema: schema}
}

type schemaTool struct {
	Tool
	schema provider.ToolSchema
}

func (t *schemaTool) Schema() provider.ToolSchema { return t.schema }

func (t *schemaTool) unwrap() Tool { return t.Tool }

// WorkspaceRoot returns the workspace of a tool backed by the aster_ref reference
// (looking through WithSchema), and false for tools implemented in Go.
func WorkspaceRoot(t Tool) (string, bool) {
	for {
		switch tool := t.(type) {
		case *referenceTool:
			return tool.root, true
		case *schemaTool:
			t = tool.unwrap()
		default:
			return "", false
		}
	}
}
