package builtin

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/astercloud/aster/internal/mirrortest"
	"github.com/astercloud/aster/pkg/tools"
	"github.com/astercloud/aster/pkg/tools/bridge"
)

func TestMain(m *testing.M) {
	removeRunSockets := mirrortest.IsolateRunSockets()
	code := m.Run()
	removeRunSockets()
	os.Exit(code)
}

func TestRegisterAllRegistersTheReferenceBuiltins(t *testing.T) {
	registry := tools.NewRegistry()
	RegisterAll(registry)
	if got := registry.List(); !reflect.DeepEqual(got, []string{"Bash", "Glob", "Grep", "Read", "Write"}) {
		t.Fatalf("got %v", got)
	}
	read, err := registry.Create("Read", nil)
	if err != nil || read.Name() != "Read" {
		t.Fatalf("Create(Read) = %v, %v", read, err)
	}
}

func TestReadToolReadsTheWorkingDirectory(t *testing.T) {
	mirrortest.RequireAsterRef(t)
	mirrortest.Workspace(t)
	read, _ := NewReadTool(nil)
	result, err := read.Execute(context.Background(), map[string]any{"path": "test.txt"}, &tools.ToolContext{})
	if err != nil || result != mirrortest.TestText {
		t.Fatalf("got %#v, %v", result, err)
	}
	_, err = read.Execute(context.Background(), map[string]any{"path": "missing.txt"}, &tools.ToolContext{})
	if err == nil || err.Error() != "file not found: missing.txt" {
		t.Fatalf("got %v, want the reference's file-not-found error", err)
	}
}

func TestCodeExecuteChecksItsInput(t *testing.T) {
	tool := NewCodeExecuteToolWithBridge(bridge.NewToolBridge(tools.NewRegistry()))
	for input, want := range map[string]string{
		`{"code": "print(1)"}`:                    "language must be a string",
		`{"language": "python", "code": ""}`:      "code must be a non-empty string",
		`{"language": "bash", "code": "echo hi"}`: "unsupported language: bash (the docs' Go mirror runs python only)",
	} {
		var got string
		mirrortest.Stdout(t, func() {
			result, err := tool.Execute(context.Background(), decode(t, input), nil)
			if err != nil {
				got = err.Error()
			} else {
				got = result.(map[string]any)["error"].(string)
			}
		})
		if got != want {
			t.Errorf("%s: got %q, want %q", input, got, want)
		}
	}
}

// As upstream's, CodeExecute tries to start a bridge on its URL, which is no listen
// address; the code reaches the bridge the program started itself.
func TestCodeExecuteRunsCodeAgainstTheBridgeAtItsURL(t *testing.T) {
	mirrortest.RequireAsterRef(t)
	mirrortest.Workspace(t)
	registry := tools.NewRegistry()
	RegisterAll(registry)
	toolBridge := bridge.NewToolBridge(registry)
	addr := mirrortest.FreeAddr(t)
	server := bridge.NewHTTPBridgeServer(toolBridge, addr)
	mirrortest.Stdout(t, func() { _ = server.StartAsync() })
	defer server.Shutdown(context.Background())
	tool := NewCodeExecuteToolWithBridge(toolBridge)
	tool.SetBridgeURL("http://" + addr)
	var result any
	printed := mirrortest.Stdout(t, func() {
		var err error
		result, err = tool.Execute(context.Background(), map[string]any{
			"language": "python", "code": `print(await Read(path="test.txt"))`,
		}, &tools.ToolContext{})
		if err != nil {
			t.Error(err)
		}
	})
	if want := "HTTP Bridge Server error: listen tcp: address http://" + addr + ": too many colons in address\n"; !strings.HasSuffix(printed, want) {
		t.Errorf("printed %q, want it to end with %q", printed, want)
	}
	answer := result.(map[string]any)
	if answer["success"] != true || answer["stdout"] != mirrortest.TestText+"\n" || answer["duration_ms"].(int64) <= 0 {
		t.Fatalf("got %#v", answer)
	}
	keys := make([]string, 0, len(answer))
	for key := range answer {
		keys = append(keys, key)
	}
	for _, key := range []string{"success", "output", "stdout", "stderr", "error", "exit_code", "duration_ms"} {
		if _, ok := answer[key]; !ok {
			t.Errorf("result lacks %q (has %v)", key, keys)
		}
	}
}

func decode(t *testing.T, text string) map[string]any {
	t.Helper()
	var value map[string]any
	if err := json.Unmarshal([]byte(text), &value); err != nil {
		t.Fatal(err)
	}
	return value
}
