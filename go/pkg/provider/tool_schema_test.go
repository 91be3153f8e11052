package provider

import (
	"encoding/json"
	"testing"
)

// The doc-test templates hand ToolSchema to `aster-ref serve --schemas` as JSON, so its
// field names must be the bridge's.
func TestToolSchemaJSONUsesTheBridgeFieldNames(t *testing.T) {
	for schema, want := range map[*ToolSchema]string{
		{Name: "Read", Description: "Read a file", InputSchema: map[string]any{"type": "object"}, AllowedCallers: []string{"direct", "code_execution_20250825"}}: `{"name":"Read","description":"Read a file","input_schema":{"type":"object"},"allowed_callers":["direct","code_execution_20250825"]}`,
		{Name: "Bash"}: `{"name":"Bash","description":"","input_schema":null}`,
	} {
		data, err := json.Marshal(schema)
		if err != nil || string(data) != want {
			t.Errorf("got %s (%v)\nwant %s", data, err, want)
		}
	}
}
