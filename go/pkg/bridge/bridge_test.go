package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/astercloud/aster/internal/asterref"
	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
)

func TestNewPythonRuntimeDefaults(t *testing.T) {
	runtime := NewPythonRuntime(nil)
	if got := runtime.Config().Timeout; got != 30*time.Second {
		t.Errorf("timeout = %v, want 30s", got)
	}
	if runtime.BridgeURL() != "http://localhost:8080" {
		t.Errorf("bridge URL = %q", runtime.BridgeURL())
	}
	config := &RuntimeConfig{Timeout: 60 * time.Second}
	if got := NewPythonRuntime(config).Config().Timeout; got != 60*time.Second {
		t.Errorf("timeout = %v, want 60s", got)
	}
}

func TestExecutionResultReadsDurationInSeconds(t *testing.T) {
	var result ExecutionResult
	data := `{"success":false,"output":{"n":1},"stdout":"o","stderr":"e","error":"execution timeout","exit_code":-9,"duration":1.5}`
	if err := json.Unmarshal([]byte(data), &result); err != nil {
		t.Fatal(err)
	}
	want := ExecutionResult{Output: map[string]any{"n": 1.0}, Stdout: "o", Stderr: "e",
		Error: "execution timeout", ExitCode: -9, Duration: 1500 * time.Millisecond}
	if !reflect.DeepEqual(result, want) {
		t.Fatalf("got %+v\nwant %+v", result, want)
	}
	again, err := json.Marshal(result)
	if err != nil {
		t.Fatal(err)
	}
	var roundTrip ExecutionResult
	if err := json.Unmarshal(again, &roundTrip); err != nil || !reflect.DeepEqual(roundTrip, want) {
		t.Fatalf("round trip: %s -> %+v (%v)", again, roundTrip, err)
	}
}

func missingAsterRef(t *testing.T) {
	t.Setenv(asterref.EnvVar, filepath.Join(t.TempDir(), "missing"))
}

func TestExecuteReportsMissingAsterRef(t *testing.T) {
	missingAsterRef(t)
	_, err := NewPythonRuntime(nil).Execute(context.Background(), "print(1)", nil)
	if !errors.Is(err, asterref.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

func TestStartAsyncReportsMissingAsterRef(t *testing.T) {
	missingAsterRef(t)
	server := NewHTTPBridgeServer(NewToolBridge(tools.NewRegistry()), "localhost:9000")
	err := server.StartAsync()
	if !errors.Is(err, ErrStartFailed) || !strings.HasPrefix(err.Error(), ErrStartFailed.Error()) {
		t.Fatalf("got %v, want ErrStartFailed", err)
	}
	if !errorsContain(err, asterref.ErrNotFound.Error()) {
		t.Fatalf("%v does not say aster-ref is missing", err)
	}
	if err := server.Shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown of a server that never started: %v", err)
	}
}

func errorsContain(err error, text string) bool {
	return err != nil && strings.Contains(err.Error(), text)
}

func TestStartAsyncRejectsABadAddress(t *testing.T) {
	err := NewHTTPBridgeServer(NewToolBridge(tools.NewRegistry()), "localhost").StartAsync()
	if !errors.Is(err, ErrStartFailed) || !errorsContain(err, "missing port") {
		t.Fatalf("got %v", err)
	}
}

type goTool struct{ schema provider.ToolSchema }

func (g goTool) Name() string                { return g.schema.Name }
func (g goTool) Schema() provider.ToolSchema { return g.schema }
func (g goTool) Execute(context.Context, map[string]any, *tools.ToolContext) (any, error) {
	return "done", nil
}

func register(t *testing.T, ts ...tools.Tool) *ToolBridge {
	t.Helper()
	reg := tools.NewRegistry()
	for _, tool := range ts {
		if err := reg.Register(tool); err != nil {
			t.Fatal(err)
		}
	}
	return NewToolBridge(reg)
}

func TestServedRefusesACodeCallableGoTool(t *testing.T) {
	tb := register(t, goTool{provider.ToolSchema{Name: "Deploy", AllowedCallers: []string{provider.CallerCodeExecution}}})
	if _, err := tb.served(); !errors.Is(err, ErrGoTool) {
		t.Fatalf("got %v, want ErrGoTool", err)
	}
}

func TestServedRefusesMixedWorkspaces(t *testing.T) {
	tb := register(t, tools.NewBuiltin("Read", "/a"), tools.NewBuiltin("Write", "/b"))
	if _, err := tb.served(); !errors.Is(err, ErrMixedWorkspaces) {
		t.Fatalf("got %v, want ErrMixedWorkspaces", err)
	}
}

func TestServedListsOnlySchemaOverrides(t *testing.T) {
	readSchema := provider.ToolSchema{Name: "Read", Description: "Read a file", AllowedCallers: []string{provider.CallerDirect}}
	tb := register(t,
		tools.WithSchema(tools.NewBuiltin("Read", "/ws"), readSchema),
		tools.NewBuiltin("Write", "/ws"),
		goTool{provider.ToolSchema{Name: "Local", AllowedCallers: []string{provider.CallerDirect}}},
	)
	s, err := tb.served()
	if err != nil {
		t.Fatal(err)
	}
	if s.root != "/ws" || !reflect.DeepEqual(s.overrides, []provider.ToolSchema{readSchema}) {
		t.Fatalf("got %+v", s)
	}
	file, err := writeSchemas(s.overrides)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(file)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"name":"Read","description":"Read a file","input_schema":null,"allowed_callers":["direct"]}]` + "\n"
	if string(data) != want {
		t.Fatalf("schemas file:\n%s\nwant\n%s", data, want)
	}
}

func TestServedDefaultsToTheCurrentDirectory(t *testing.T) {
	s, err := register(t).served()
	if err != nil {
		t.Fatal(err)
	}
	cwd, _ := os.Getwd()
	if s.root != cwd || s.overrides != nil {
		t.Fatalf("got %+v, want root %s and no overrides", s, cwd)
	}
}

func TestCallToolReportsAnUnknownTool(t *testing.T) {
	if _, err := register(t).CallTool(context.Background(), "Nope", nil); !errors.Is(err, ErrUnknownTool) {
		t.Fatalf("got %v", err)
	}
}

func TestCallToolRunsAGoTool(t *testing.T) {
	tb := register(t, goTool{provider.ToolSchema{Name: "Local"}})
	if got, err := tb.CallTool(context.Background(), "Local", nil); err != nil || got != "done" {
		t.Fatalf("got %v, %v", got, err)
	}
}
