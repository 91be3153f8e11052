package bridge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
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

// sharedBridge is a bridge serving a workspace that holds test.txt, started by the first
// test that needs it and stopped by TestMain: one serve, one warm interpreter, for all.
var sharedBridge struct {
	once      sync.Once
	url       string
	server    *HTTPBridgeServer
	workspace string
}

func TestMain(m *testing.M) {
	removeRunSockets := mirrortest.IsolateRunSockets()
	code := m.Run()
	if sharedBridge.server != nil {
		_ = sharedBridge.server.Shutdown(context.Background())
		os.RemoveAll(sharedBridge.workspace)
	}
	removeRunSockets()
	os.Exit(code)
}

// bridgeURL returns the shared bridge's URL, starting it on first use.
func bridgeURL(t *testing.T) string {
	t.Helper()
	mirrortest.RequireAsterRef(t)
	sharedBridge.once.Do(func() {
		workspace, err := os.MkdirTemp("", "mirror-bridge-")
		if err != nil {
			t.Fatal(err)
		}
		sharedBridge.workspace = workspace
		if err := os.WriteFile(filepath.Join(workspace, "test.txt"), []byte(mirrortest.TestText), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Chdir(workspace) // the bridge serves its working directory
		addr := mirrortest.FreeAddr(t)
		sharedBridge.server = NewHTTPBridgeServer(readBridge(), addr)
		printed := mirrortest.Stdout(t, func() { _ = sharedBridge.server.StartAsync() })
		if printed != "HTTP Bridge Server listening on "+addr+"\n" {
			t.Fatalf("StartAsync printed %q", printed)
		}
		sharedBridge.url = "http://" + addr
	})
	if sharedBridge.url == "" {
		t.Fatal("the shared bridge did not start (see the first test that used it)")
	}
	return sharedBridge.url
}

// eachPath runs test both ways Execute runs code against a bridge: warm, forked by the serve
// behind the bridge, and cold, with aster-ref run, when no serve of this user listens on the
// run socket of the bridge URL (here: the client looks for it in another directory).
func eachPath(t *testing.T, test func(t *testing.T, bridgeURL string)) {
	t.Run("warm", func(t *testing.T) { test(t, bridgeURL(t)) })
	t.Run("cold", func(t *testing.T) {
		url := bridgeURL(t)
		t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
		test(t, url)
	})
}

func TestCodeReadsTheWorkspaceThroughTheBridge(t *testing.T) {
	eachPath(t, func(t *testing.T, bridgeURL string) {
		runtime := NewPythonRuntime(nil)
		runtime.SetBridgeURL(bridgeURL)
		runtime.SetTools([]string{"Read"})
		result, err := runtime.Execute(context.Background(), `print(await Read(path="test.txt"), input_data["n"] + 1)`, map[string]any{"n": 41})
		if err != nil {
			t.Fatal(err)
		}
		if !result.Success || result.Stdout != mirrortest.TestText+" 42\n" || result.Duration <= 0 {
			t.Fatalf("got %+v", result)
		}
	})
}

func TestExecuteRunsOnTheServeBehindTheBridgeWithoutStartingAsterRef(t *testing.T) {
	url := bridgeURL(t)
	t.Setenv(asterref.EnvVar, filepath.Join(t.TempDir(), "no-aster-ref"))
	runtime := NewPythonRuntime(nil)
	runtime.SetBridgeURL(url)
	runtime.SetTools([]string{"Read"})
	result, err := runtime.Execute(context.Background(), `print(await Read(path="test.txt"))`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !result.Success || result.Stdout != mirrortest.TestText+"\n" {
		t.Fatalf("got %+v", result)
	}
}

func TestExecuteStopsCodeAtTheTimeout(t *testing.T) {
	eachPath(t, func(t *testing.T, bridgeURL string) {
		runtime := NewPythonRuntime(&RuntimeConfig{Timeout: time.Second})
		runtime.SetBridgeURL(bridgeURL)
		runtime.SetTools([]string{"Read"})
		result, err := runtime.Execute(context.Background(), "import time\nprint('started', flush=True)\ntime.sleep(30)", nil)
		if err != nil {
			t.Fatal(err)
		}
		if result.Success || result.Error != "execution timeout" || result.Stdout != "started\n" || result.Duration < 1000 {
			t.Fatalf("got %+v", result)
		}
	})
}

func TestWorkDirEnvAndMaxOutputReachTheCode(t *testing.T) {
	eachPath(t, func(t *testing.T, bridgeURL string) {
		dir := t.TempDir()
		t.Setenv("ASTER_DOC_INHERITED", "7")
		runtime := NewPythonRuntime(&RuntimeConfig{WorkDir: dir, Env: map[string]string{"ASTER_DOC_VALUE": "42"}, MaxOutput: 20})
		runtime.SetBridgeURL(bridgeURL)
		runtime.SetTools([]string{"Read"})
		code := "import glob, os\nprint(os.environ['ASTER_DOC_INHERITED'], os.environ['ASTER_DOC_VALUE'], os.getcwd() == " + `"` + dir + `"` + ", glob.glob('aster_*.py') != [], 'x' * 100)"
		result, err := runtime.Execute(context.Background(), code, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The temp file is in WorkDir while the code runs, and only 20 bytes of stdout are kept.
		if want := "7 42 True True xxxxx\n... [output truncated: more than 20 bytes]"; result.Stdout != want {
			t.Fatalf("stdout = %q, want %q", result.Stdout, want)
		}
		if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
			t.Fatalf("work dir after the run: %v %v", entries, err)
		}
	})
}

func TestCodeTheReferenceCannotWrapFailsWithTheReason(t *testing.T) {
	const reason = "tool name 'not-a-name' is not a Python identifier, so code cannot call it"
	eachPath(t, func(t *testing.T, bridgeURL string) {
		runtime := NewPythonRuntime(nil)
		runtime.SetBridgeURL(bridgeURL)
		runtime.SetTools([]string{"not-a-name"})
		result, err := runtime.Execute(context.Background(), "print(1)", nil)
		if err != nil {
			t.Fatal(err)
		}
		// Refused before anything ran: upstream's result for a program that could not start.
		if result.Success || result.ExitCode != -1 || !strings.Contains(result.Error, reason) {
			t.Fatalf("got %+v", result)
		}
		// Printed (the "see the generated code" patch), the program is one that exits with the reason.
		program := runtime.wrapCode("print(1)", nil)
		if printed := fmt.Sprint(program); !strings.HasPrefix(printed, "raise SystemExit(") || !strings.Contains(printed, reason) {
			t.Fatalf("printed %q", printed)
		}
		result, err = runtime.run(context.Background(), program)
		if err != nil {
			t.Fatal(err)
		}
		if result.Success || result.ExitCode != 1 || !strings.Contains(result.Stderr, reason) {
			t.Fatalf("got %+v", result)
		}
	})
}

// The page's "see the generated code" patch prints wrappedCode in Execute: what it prints
// must be the program that then runs, although the reference wraps code where it runs it.
func TestThePrintedProgramIsTheOneThatRuns(t *testing.T) {
	eachPath(t, func(t *testing.T, bridgeURL string) {
		// Without SetTools, the printed program defines aster-ref wrap's tools, not the bridge's.
		for _, tools := range [][]string{{"Read"}, nil} {
			runtime := NewPythonRuntime(nil)
			runtime.SetBridgeURL(bridgeURL)
			runtime.SetTools(tools)
			// __main__ is the program file; the code itself runs as <ptc>.
			program := runtime.wrapCode("import __main__, sys\nsys.stdout.write(open(__main__.__file__).read())", map[string]any{"n": 1})
			printed := fmt.Sprintf("%s", program)
			result, err := runtime.run(context.Background(), program)
			if err != nil {
				t.Fatal(err)
			}
			if !result.Success || result.Stdout != printed || !strings.Contains(printed, "import aiohttp") {
				t.Fatalf("tools %v: the program that ran:\n%s\n(%+v)\nis not the printed one:\n%s", tools, result.Stdout, result, printed)
			}
		}
	})
}

// processGone reports whether pid has exited (a zombie not yet reaped has).
func processGone(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] == "Z"
}

func TestCancellingExecuteKillsTheCodeAndDeletesItsTempFile(t *testing.T) {
	eachPath(t, func(t *testing.T, bridgeURL string) {
		dir := t.TempDir()
		pidFile := filepath.Join(t.TempDir(), "pid")
		runtime := NewPythonRuntime(&RuntimeConfig{WorkDir: dir, Timeout: time.Minute})
		runtime.SetBridgeURL(bridgeURL)
		runtime.SetTools([]string{"Read"})
		code := "import os, time\nopen(input_data['pid'] + '.part', 'w').write(str(os.getpid()))\n" +
			"os.rename(input_data['pid'] + '.part', input_data['pid'])\ntime.sleep(60)"
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := runtime.Execute(ctx, code, map[string]any{"pid": pidFile})
			done <- err
		}()
		var pid int
		for pid == 0 {
			select {
			case err := <-done:
				t.Fatalf("Execute returned before the code started: %v", err)
			case <-time.After(10 * time.Millisecond):
			}
			if data, err := os.ReadFile(pidFile); err == nil {
				pid, _ = strconv.Atoi(string(data))
			}
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if !processGone(pid) {
			t.Errorf("the code (pid %d) still runs after Execute returned", pid)
		}
		if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
			t.Errorf("work dir after the cancel: %v %v", entries, err)
		}
	})
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
