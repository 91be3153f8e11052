package bridge

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/astercloud/aster/internal/asterref"
	"github.com/astercloud/aster/internal/mirrortest"
	"github.com/astercloud/aster/pkg/tools"
)

func TestNewPythonRuntimeTakesUpstreamDefaults(t *testing.T) {
	runtime := NewPythonRuntime(nil)
	want := &RuntimeConfig{Timeout: 30 * time.Second, WorkDir: os.TempDir(), Env: map[string]string{}, MaxOutput: 1 << 20}
	if !reflect.DeepEqual(runtime.config, want) {
		t.Fatalf("config = %+v, want %+v", runtime.config, want)
	}
	config := &RuntimeConfig{Timeout: time.Minute}
	if NewPythonRuntime(config).config != config {
		t.Fatal("the runtime should keep the caller's config, as upstream's does")
	}
}

func referenceTool(name string) tools.ToolFactory {
	return func(map[string]any) (tools.Tool, error) { return asterref.NewTool(name), nil }
}

func TestListAvailableToolsListsTheRegistry(t *testing.T) {
	registry := tools.NewRegistry()
	registry.Register("Write", referenceTool("Write"))
	registry.Register("Read", referenceTool("Read"))
	if got := NewToolBridge(registry).ListAvailableTools(); !reflect.DeepEqual(got, []string{"Read", "Write"}) {
		t.Fatalf("got %v", got)
	}
}

func TestExecuteReportsAMissingReference(t *testing.T) {
	t.Setenv(asterref.EnvVar, filepath.Join(t.TempDir(), "missing"))
	_, err := NewPythonRuntime(nil).Execute(context.Background(), "print(1)", nil)
	if !errors.Is(err, asterref.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

func readBridge() *ToolBridge {
	registry := tools.NewRegistry()
	registry.Register("Read", referenceTool("Read"))
	return NewToolBridge(registry)
}

// startBridge serves the test's workspace on a free address and returns its URL.
func startBridge(t *testing.T) string {
	t.Helper()
	addr := mirrortest.FreeAddr(t)
	server := NewHTTPBridgeServer(readBridge(), addr)
	printed := mirrortest.Stdout(t, func() {
		if err := server.StartAsync(); err != nil {
			t.Fatal(err)
		}
	})
	if printed != "HTTP Bridge Server listening on "+addr+"\n" {
		t.Fatalf("StartAsync printed %q", printed)
	}
	t.Cleanup(func() {
		if err := server.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return "http://" + addr
}

func TestCodeReadsTheWorkspaceThroughTheBridge(t *testing.T) {
	mirrortest.RequireAsterRef(t)
	mirrortest.Workspace(t)
	runtime := NewPythonRuntime(nil)
	runtime.SetBridgeURL(startBridge(t))
	runtime.SetTools([]string{"Read"})
	result, err := runtime.Execute(context.Background(), `print(await Read(path="test.txt"), input_data["n"] + 1)`, map[string]any{"n": 41})
	if err != nil {
		t.Fatal(err)
	}
	if !result.Success || result.Stdout != mirrortest.TestText+" 42\n" || result.Duration <= 0 {
		t.Fatalf("got %+v", result)
	}
}

func TestExecuteStopsCodeAtTheTimeout(t *testing.T) {
	mirrortest.RequireAsterRef(t)
	runtime := NewPythonRuntime(&RuntimeConfig{Timeout: time.Second})
	runtime.SetTools([]string{"Read"})
	result, err := runtime.Execute(context.Background(), "import time\nprint('started', flush=True)\ntime.sleep(30)", nil)
	if err != nil {
		t.Fatal(err)
	}
	if result.Success || result.Error != "execution timeout" || result.Stdout != "started\n" || result.Duration < 1000 {
		t.Fatalf("got %+v", result)
	}
}

func TestWorkDirEnvAndMaxOutputReachTheCode(t *testing.T) {
	mirrortest.RequireAsterRef(t)
	dir := t.TempDir()
	runtime := NewPythonRuntime(&RuntimeConfig{WorkDir: dir, Env: map[string]string{"ASTER_DOC_VALUE": "42"}, MaxOutput: 20})
	runtime.SetTools([]string{"Read"})
	code := "import glob, os\nprint(os.environ['ASTER_DOC_VALUE'], os.getcwd() == " + `"` + dir + `"` + ", glob.glob('aster_*.py') != [], 'x' * 100)"
	result, err := runtime.Execute(context.Background(), code, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The temp file is in WorkDir while the code runs, and only 20 bytes of stdout are kept.
	if want := "42 True True xxxxxxx\n... [output truncated: more than 20 bytes]"; result.Stdout != want {
		t.Fatalf("stdout = %q, want %q", result.Stdout, want)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Fatalf("work dir after the run: %v %v", entries, err)
	}
}

func TestCodeTheReferenceCannotWrapFailsWithTheReason(t *testing.T) {
	mirrortest.RequireAsterRef(t)
	runtime := NewPythonRuntime(nil)
	runtime.SetTools([]string{"not-a-name"})
	result, err := runtime.Execute(context.Background(), "print(1)", nil)
	if err != nil {
		t.Fatal(err)
	}
	if result.Success || !strings.Contains(result.Error, "'not-a-name' is not a Python identifier") {
		t.Fatalf("got %+v", result)
	}
}

func TestStartAsyncPrintsWhatUpstreamPrintsWhenItCannotListen(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	for addr, want := range map[string]string{
		addr:                    "HTTP Bridge Server error: listen tcp " + addr + ": bind: address already in use\n",
		"http://localhost:8080": "HTTP Bridge Server error: listen tcp: address http://localhost:8080: too many colons in address\n",
	} {
		server := NewHTTPBridgeServer(readBridge(), addr)
		printed := mirrortest.Stdout(t, func() {
			if err := server.StartAsync(); err != nil {
				t.Fatalf("StartAsync returned %v; upstream's always returns nil", err)
			}
		})
		if printed != "HTTP Bridge Server listening on "+addr+"\n"+want {
			t.Errorf("StartAsync on %s printed %q", addr, printed)
		}
		if err := server.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown of a server that did not start: %v", err)
		}
	}
}

type goTool struct{ tools.Tool }

func TestStartAsyncRefusesToolsTheReferenceDoesNotHave(t *testing.T) {
	registry := tools.NewRegistry()
	registry.Register("Read", referenceTool("Read"))
	registry.Register("Deploy", func(map[string]any) (tools.Tool, error) { return goTool{}, nil })
	printed := mirrortest.Stdout(t, func() { _ = NewHTTPBridgeServer(NewToolBridge(registry), mirrortest.FreeAddr(t)).StartAsync() })
	if !strings.Contains(printed, "HTTP Bridge Server error: the docs' Go mirror serves only aster_ref's built-in tools (Read, Write, Glob, Grep, Bash), not Deploy\n") {
		t.Fatalf("printed %q", printed)
	}
}
