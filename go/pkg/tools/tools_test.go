package tools

import (
	"errors"
	"reflect"
	"testing"
)

func TestRegistryCreatesWithTheFactory(t *testing.T) {
	registry := NewRegistry()
	var config map[string]any
	registry.Register("B", func(c map[string]any) (Tool, error) { config = c; return nil, nil })
	registry.Register("A", func(map[string]any) (Tool, error) { return nil, errors.New("boom") })
	if _, err := registry.Create("B", map[string]any{"k": 1}); err != nil || config["k"] != 1 {
		t.Fatalf("Create(B): %v, config %v", err, config)
	}
	if _, err := registry.Create("A", nil); err == nil || err.Error() != "boom" {
		t.Fatalf("Create(A): %v", err)
	}
	if got := registry.List(); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Fatalf("List() = %v", got)
	}
}

func TestCreatingAnUnknownToolSaysWhich(t *testing.T) {
	_, err := NewRegistry().Create("Nope", nil)
	var notFound *ToolNotFoundError
	if !errors.As(err, &notFound) || err.Error() != "tool not found: Nope" {
		t.Fatalf("got %v", err)
	}
}
