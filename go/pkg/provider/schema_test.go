package provider

import (
	"encoding/json"
	"testing"
)

func TestToolSchemaJSONUsesTheBridgeFieldNames(t *testing.T) {
	schema := ToolSchema{
		Name:           "Read",
		Description:    "Read a file",
		InputSchema:    map[string]any{"type": "object"},
		AllowedCallers: []string{CallerDirect, CallerCodeExecution},
	}
	data, err := json.Marshal(schema)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"Read","description":"Read a file","input_schema":{"type":"object"},` +
		`"allowed_callers":["direct","code_execution_20250825"]}`
	if string(data) != want {
		t.Fatalf("got %s\nwant %s", data, want)
	}
}

func TestAllows(t *testing.T) {
	schema := ToolSchema{Name: "Bash", AllowedCallers: []string{CallerDirect}}
	if !schema.Allows(CallerDirect) {
		t.Error("direct should be allowed")
	}
	if schema.Allows(CallerCodeExecution) {
		t.Error("code execution should not be allowed")
	}
}
