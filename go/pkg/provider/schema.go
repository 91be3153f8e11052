// Package provider holds the tool description Aster sends to model providers.
package provider

// Callers a tool may allow in ToolSchema.AllowedCallers.
const (
	// CallerDirect lets the model call the tool directly.
	CallerDirect = "direct"
	// CallerCodeExecution lets code run by the CodeExecute tool (PTC) call the tool through the bridge.
	CallerCodeExecution = "code_execution_20250825"
)

// ToolSchema describes a tool: its name, what it does, its JSON Schema input and who may call it.
type ToolSchema struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	InputSchema map[string]any `json:"input_schema"`
	// AllowedCallers lists CallerDirect and/or CallerCodeExecution. For an aster_ref built-in
	// tool, nil means "the reference's default" (Read, Write, Glob, Grep: both; Bash: direct only).
	AllowedCallers []string `json:"allowed_callers"`
}

// Allows reports whether caller is one of the schema's AllowedCallers.
func (s ToolSchema) Allows(caller string) bool {
	for _, c := range s.AllowedCallers {
		if c == caller {
			return true
		}
	}
	return false
}
