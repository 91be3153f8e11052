// Package tools mirrors upstream Aster's github.com/astercloud/aster/pkg/tools as far as
// the docs use it: the Tool interface, its context, and the registry of tool factories.
package tools

import (
	"context"
	"sort"
)

// ToolContext is what a tool call knows about its caller. Upstream's fields (agent,
// sandbox, reporter...) are not mirrored: no page uses them.
type ToolContext struct{}

// Tool is something the model, or code it writes, can call.
type Tool interface {
	Name() string
	Description() string
	InputSchema() map[string]any
	Execute(ctx context.Context, input map[string]any, tc *ToolContext) (any, error)
	Prompt() string
}

// ToolFactory creates a tool from its configuration.
type ToolFactory func(config map[string]any) (Tool, error)

// Registry maps tool names to factories. As upstream's, it is not safe for concurrent
// registration.
type Registry struct {
	factories map[string]ToolFactory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{factories: make(map[string]ToolFactory)}
}

// Register adds (or replaces) the factory for name.
func (r *Registry) Register(name string, factory ToolFactory) {
	r.factories[name] = factory
}

// Create returns a new tool name, made by its factory with config.
func (r *Registry) Create(name string, config map[string]any) (Tool, error) {
	factory, ok := r.factories[name]
	if !ok {
		return nil, &ToolNotFoundError{Name: name}
	}
	return factory(config)
}

// List returns the registered names, sorted (upstream returns them in map order).
func (r *Registry) List() []string {
	names := make([]string, 0, len(r.factories))
	for name := range r.factories {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// ToolNotFoundError is Create's error for a name nothing was registered under.
type ToolNotFoundError struct {
	Name string
}

func (e *ToolNotFoundError) Error() string {
	return "tool not found: " + e.Name
}
