package builtin

import (
	"context"
	"errors"
	"testing"

	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
)

func TestExecuteNeedsCode(t *testing.T) {
	tool := NewCodeExecuteTool(tools.NewRegistry())
	if _, err := tool.Execute(context.Background(), map[string]any{"script": "print(1)"}, nil); !errors.Is(err, ErrMissingCode) {
		t.Fatalf("got %v, want ErrMissingCode", err)
	}
}

func TestCodeExecuteIsADirectOnlyTool(t *testing.T) {
	reg := tools.NewRegistry()
	tool := NewCodeExecuteTool(reg)
	if err := reg.Register(tool); err != nil {
		t.Fatal(err)
	}
	schema := tool.Schema()
	if !schema.Allows(provider.CallerDirect) || schema.Allows(provider.CallerCodeExecution) {
		t.Fatalf("callers = %v", schema.AllowedCallers)
	}
	if err := reg.Register(tools.NewBuiltin("Read", ".")); err != nil {
		t.Fatal(err)
	}
	if names := tool.toolNames(); len(names) != 1 || names[0] != "Read" {
		t.Fatalf("prelude tools = %v, want [Read] (CodeExecute itself excluded)", names)
	}
}

func TestSetBridgeURL(t *testing.T) {
	tool := NewCodeExecuteTool(tools.NewRegistry())
	if tool.BridgeURL() != "http://localhost:8080" {
		t.Fatalf("default = %q", tool.BridgeURL())
	}
	tool.SetBridgeURL("http://localhost:9000")
	if tool.BridgeURL() != "http://localhost:9000" {
		t.Fatalf("got %q", tool.BridgeURL())
	}
}
