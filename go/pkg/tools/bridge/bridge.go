// Package bridge mirrors upstream Aster's github.com/astercloud/aster/pkg/tools/bridge as
// far as the docs use it: the tool bridge, the HTTP bridge server that PTC code calls
// tools through, and the Python runtime that runs the code. Names and signatures are
// upstream's (go/api/mirror.txt); the behaviour is the Python reference's (aster_ref),
// run through its aster-ref command (internal/asterref).
package bridge

import (
	"fmt"
	"strings"

	"github.com/astercloud/aster/internal/asterref"
	"github.com/astercloud/aster/pkg/tools"
)

// ToolBridge gives code access to the tools of a registry.
type ToolBridge struct {
	registry *tools.Registry
}

// NewToolBridge returns a bridge over registry.
func NewToolBridge(registry *tools.Registry) *ToolBridge {
	return &ToolBridge{registry: registry}
}

// ListAvailableTools returns the names of the registry's tools.
func (b *ToolBridge) ListAvailableTools() []string {
	return b.registry.List()
}

// checkServable fails unless every registered tool is a reference built-in: the
// reference's bridge serves only those (upstream serves any registered tool).
func (b *ToolBridge) checkServable() error {
	var others []string
	for _, name := range b.registry.List() {
		tool, err := b.registry.Create(name, nil)
		if err != nil {
			return fmt.Errorf("create tool %s: %w", name, err)
		}
		if !asterref.IsBuiltin(tool) {
			others = append(others, name)
		}
	}
	if others != nil {
		return fmt.Errorf("the docs' Go mirror serves only aster_ref's built-in tools (%s), not %s",
			strings.Join(asterref.BuiltinNames, ", "), strings.Join(others, ", "))
	}
	return nil
}
