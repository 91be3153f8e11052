// Package provider mirrors upstream Aster's github.com/astercloud/aster/pkg/provider as
// far as the docs use it: ToolSchema, the description of a tool sent to a model provider.
package provider

// ToolSchema describes a tool to the model. Upstream's InputExamples field is not
// mirrored (no page uses it).
type ToolSchema struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	InputSchema map[string]any `json:"input_schema"`
	// AllowedCallers lists who may call the tool: "direct" (the model itself) and/or
	// "code_execution_20250825" (code run by CodeExecute). nil means direct only.
	AllowedCallers []string `json:"allowed_callers,omitempty"`
}
