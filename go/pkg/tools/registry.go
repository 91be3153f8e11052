package tools

import (
	"errors"
	"fmt"
	"sync"

	"github.com/astercloud/aster/pkg/provider"
)

// Registry errors.
var (
	ErrEmptyName     = errors.New("tool name is empty")
	ErrDuplicateTool = errors.New("tool already registered")
	ErrSchemaName    = errors.New("tool schema name differs from the tool name")
)

// Registry holds the tools an agent offers, in registration order. It is safe for concurrent use.
type Registry struct {
	mu    sync.RWMutex
	order []string
	tools map[string]Tool
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{tools: map[string]Tool{}}
}

// Register adds t. Names must be non-empty, unique, and equal to the schema's name.
func (r *Registry) Register(t Tool) error {
	name := t.Name()
	if name == "" {
		return ErrEmptyName
	}
	if schemaName := t.Schema().Name; schemaName != name {
		return fmt.Errorf("%w: %q vs %q", ErrSchemaName, schemaName, name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, taken := r.tools[name]; taken {
		return fmt.Errorf("%w: %s", ErrDuplicateTool, name)
	}
	r.tools[name] = t
	r.order = append(r.order, name)
	return nil
}

// Get returns the tool called name.
func (r *Registry) Get(name string) (Tool, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.tools[name]
	return t, ok
}

// Tools returns the registered tools in registration order.
func (r *Registry) Tools() []Tool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	list := make([]Tool, 0, len(r.order))
	for _, name := range r.order {
		list = append(list, r.tools[name])
	}
	return list
}

// List returns the schemas of the registered tools in registration order.
func (r *Registry) List() []provider.ToolSchema {
	tools := r.Tools()
	schemas := make([]provider.ToolSchema, 0, len(tools))
	for _, t := range tools {
		schemas = append(schemas, t.Schema())
	}
	return schemas
}
