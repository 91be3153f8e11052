package tools

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/astercloud/aster/internal/asterref"
	"github.com/astercloud/aster/pkg/provider"
)

func readSchema(callers ...string) provider.ToolSchema {
	return provider.ToolSchema{Name: "Read", Description: "Read a file", AllowedCallers: callers}
}

func TestRegisterRejectsEmptyDuplicateAndMismatchedNames(t *testing.T) {
	reg := NewRegistry()
	if err := reg.Register(NewBuiltin("", ".")); !errors.Is(err, ErrEmptyName) {
		t.Errorf("empty name: got %v", err)
	}
	if err := reg.Register(NewBuiltin("Read", ".")); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(NewBuiltin("Read", ".")); !errors.Is(err, ErrDuplicateTool) {
		t.Errorf("duplicate: got %v", err)
	}
	renamed := provider.ToolSchema{Name: "Other"}
	if err := reg.Register(WithSchema(NewBuiltin("Glob", "."), renamed)); !errors.Is(err, ErrSchemaName) {
		t.Errorf("mismatched schema name: got %v", err)
	}
}

func TestListKeepsRegistrationOrderAndSchemaOverrides(t *testing.T) {
	reg := NewRegistry()
	for _, tool := range []Tool{
		NewBuiltin("Write", "."),
		WithSchema(NewBuiltin("Read", "."), readSchema(provider.CallerDirect)),
	} {
		if err := reg.Register(tool); err != nil {
			t.Fatal(err)
		}
	}
	schemas := reg.List()
	if len(schemas) != 2 || schemas[0].Name != "Write" || schemas[1].Name != "Read" {
		t.Fatalf("got %+v", schemas)
	}
	if schemas[0].AllowedCallers != nil {
		t.Errorf("a built-in's callers should be the reference default (nil), got %v", schemas[0].AllowedCallers)
	}
	if !schemas[1].Allows(provider.CallerDirect) || schemas[1].Allows(provider.CallerCodeExecution) {
		t.Errorf("override lost: %v", schemas[1].AllowedCallers)
	}
	if got, ok := reg.Get("Read"); !ok || got.Schema().Description != "Read a file" {
		t.Errorf("Get(Read) = %v, %v", got, ok)
	}
	if _, ok := reg.Get("Missing"); ok {
		t.Error("Get(Missing) found something")
	}
}

func TestWorkspaceRootLooksThroughSchemaOverrides(t *testing.T) {
	root, ok := WorkspaceRoot(WithSchema(NewBuiltin("Read", "/ws"), readSchema()))
	if !ok || root != "/ws" {
		t.Fatalf("got %q, %v", root, ok)
	}
}

func TestBuiltinReportsMissingAsterRef(t *testing.T) {
	t.Setenv(asterref.EnvVar, filepath.Join(t.TempDir(), "missing"))
	_, err := NewBuiltin("Read", ".").Execute(context.Background(), map[string]any{"path": "x"}, nil)
	if !errors.Is(err, asterref.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

// The tests below run the real reference; they skip when aster-ref is not installed.
func requireAsterRef(t *testing.T) {
	t.Helper()
	if _, err := asterref.Locate(); err != nil {
		t.Skip(err)
	}
}

func TestBuiltinReadReturnsTheFileText(t *testing.T) {
	requireAsterRef(t)
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "test.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	result, err := NewBuiltin("Read", root).Execute(context.Background(), map[string]any{"path": "test.txt"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := result.(string); !strings.Contains(text, "hello") {
		t.Fatalf("got %#v", result)
	}
}

func TestBuiltinReadReturnsTheReferenceError(t *testing.T) {
	requireAsterRef(t)
	_, err := NewBuiltin("Read", t.TempDir()).Execute(context.Background(), map[string]any{"path": "missing.txt"}, nil)
	if err == nil || !strings.Contains(err.Error(), "file not found") {
		t.Fatalf("got %v, want the reference's file-not-found error", err)
	}
}
