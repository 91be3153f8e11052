// Package builtin mirrors upstream Aster's github.com/astercloud/aster/pkg/tools/builtin as
// far as the docs use it: the built-in tools (those the reference aster_ref has: Read,
// Write, Glob, Grep, Bash) and the CodeExecute tool that runs PTC code.
package builtin

import (
	"github.com/astercloud/aster/internal/asterref"
	"github.com/astercloud/aster/pkg/tools"
)

// RegisterAll registers the reference's built-in tools. Upstream registers about 18;
// the reference has Read, Write, Glob, Grep and Bash.
func RegisterAll(registry *tools.Registry) {
	for _, name := range asterref.BuiltinNames {
		registry.Register(name, referenceFactory(name))
	}
}

// NewReadTool returns the Read tool (config is ignored, as upstream ignores it). It takes
// the reference's input, {"path": ...}, relative to the current directory.
func NewReadTool(config map[string]any) (tools.Tool, error) {
	return referenceFactory("Read")(config)
}

func referenceFactory(name string) tools.ToolFactory {
	return func(map[string]any) (tools.Tool, error) {
		return asterref.NewTool(name), nil
	}
}
