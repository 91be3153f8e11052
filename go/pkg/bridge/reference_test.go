package bridge

// These tests run the real reference; they skip when aster-ref is not installed.

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/astercloud/aster/internal/asterref"
	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
)

func requireAsterRef(t *testing.T) {
	t.Helper()
	if _, err := asterref.Locate(); err != nil {
		t.Skip(err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return "localhost:" + strconv.Itoa(listener.Addr().(*net.TCPAddr).Port)
}

// startBridge serves Read on a fresh workspace holding test.txt.
func startBridge(t *testing.T, readCallers ...string) (*HTTPBridgeServer, string) {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "test.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	read := tools.NewBuiltin("Read", root)
	if readCallers != nil {
		read = tools.WithSchema(read, provider.ToolSchema{Name: "Read", Description: "Read a file", AllowedCallers: readCallers})
	}
	server := NewHTTPBridgeServer(register(t, read), freeAddr(t))
	if err := server.StartAsync(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := server.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return server, "http://" + server.Addr()
}

func TestServerRunsCodeAndRefusesABusyPort(t *testing.T) {
	requireAsterRef(t)
	server, url := startBridge(t)
	runtime := NewPythonRuntime(nil)
	runtime.SetBridgeURL(url)
	result, err := runtime.Execute(context.Background(), `print(await Read(path="test.txt"))`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !result.Success || !strings.Contains(result.Stdout, "hello") || result.Duration <= 0 {
		t.Fatalf("got %+v", result)
	}
	again := NewHTTPBridgeServer(server.toolBridge, server.Addr())
	err = again.StartAsync()
	if !errors.Is(err, ErrStartFailed) || !strings.Contains(err.Error(), "cannot listen on") {
		t.Fatalf("second server on %s: got %v, want the reference's listen error", server.Addr(), err)
	}
	if err := server.StartAsync(); !errors.Is(err, ErrAlreadyStarted) {
		t.Fatalf("restart: got %v", err)
	}
}

func TestAllowedCallersSetInGoDecideWhatCodeMayCall(t *testing.T) {
	requireAsterRef(t)
	_, url := startBridge(t, provider.CallerDirect)
	runtime := NewPythonRuntime(nil)
	runtime.SetBridgeURL(url)
	result, err := runtime.Execute(context.Background(), `await Read(path="test.txt")`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if result.Success || !strings.Contains(result.Error+result.Stderr, "Tool Read is not allowed in code_execution context") {
		t.Fatalf("got %+v", result)
	}
}

func TestExecuteTimesOutAndPassesInput(t *testing.T) {
	requireAsterRef(t)
	runtime := NewPythonRuntime(&RuntimeConfig{Timeout: time.Second})
	runtime.SetTools([]string{"Read"})
	start := time.Now()
	result, err := runtime.Execute(context.Background(), "import time\ntime.sleep(5)", nil)
	if err != nil {
		t.Fatal(err)
	}
	if result.Success || result.Error != "execution timeout" {
		t.Fatalf("got %+v", result)
	}
	if elapsed := time.Since(start); elapsed > 4*time.Second {
		t.Fatalf("timeout took %v", elapsed)
	}
	result, err = runtime.Execute(context.Background(), `print(input_data["n"] + 1)`, map[string]any{"n": 41})
	if err != nil || strings.TrimSpace(result.Stdout) != "42" {
		t.Fatalf("got %+v, %v", result, err)
	}
}

func TestCancellingExecuteStopsTheCode(t *testing.T) {
	requireAsterRef(t)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := NewPythonRuntime(nil).Execute(ctx, "import time\ntime.sleep(20)", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond+asterref.InterruptGrace {
		t.Fatalf("cancel took %v", elapsed)
	}
}

func TestWorkDirAndEnvReachTheCode(t *testing.T) {
	requireAsterRef(t)
	dir := t.TempDir()
	runtime := NewPythonRuntime(&RuntimeConfig{WorkDir: dir, Env: map[string]string{"ASTER_DOC_VALUE": "42"}})
	result, err := runtime.Execute(context.Background(), `import os; print(os.environ["ASTER_DOC_VALUE"], os.getcwd())`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "42 " + dir + "\n"; result.Stdout != want {
		t.Fatalf("got %q, want %q", result.Stdout, want)
	}
}

func startBlocking(t *testing.T) (*HTTPBridgeServer, chan error) {
	t.Helper()
	server := NewHTTPBridgeServer(register(t, tools.NewBuiltin("Read", t.TempDir())), freeAddr(t))
	done := make(chan error, 1)
	go func() { done <- server.Start() }()
	deadline := time.Now().Add(StartTimeout)
	for {
		server.mu.Lock()
		running := server.running
		server.mu.Unlock()
		if running != nil {
			return server, done
		}
		if time.Now().After(deadline) {
			t.Fatal("Start did not start the server")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStartBlocksUntilShutdown(t *testing.T) {
	requireAsterRef(t)
	server, done := startBlocking(t)
	if err := server.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Start after Shutdown returned %v", err)
	}
}

func TestStartReportsAServerThatDies(t *testing.T) {
	requireAsterRef(t)
	server, done := startBlocking(t)
	server.mu.Lock()
	_ = server.running.cmd.Process.Kill()
	server.mu.Unlock()
	if err := <-done; !errors.Is(err, ErrServerExited) {
		t.Fatalf("got %v, want ErrServerExited", err)
	}
}

func TestWorkDirHoldsTheTempFileAndMaxOutputTruncates(t *testing.T) {
	requireAsterRef(t)
	dir := t.TempDir()
	runtime := NewPythonRuntime(&RuntimeConfig{WorkDir: dir, MaxOutput: 20})
	runtime.SetTools([]string{"Read"})
	code := "import glob\nprint(glob.glob('aster_*.py')[0][:6], 'x' * 100)"
	result, err := runtime.Execute(context.Background(), code, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The run's own temp file is in WorkDir, and only the first 20 bytes of stdout are kept.
	if want := "aster_ " + strings.Repeat("x", 13) + "\n... [output truncated: more than 20 bytes]"; result.Stdout != want {
		t.Fatalf("stdout = %q, want %q", result.Stdout, want)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Fatalf("work dir after the run: %v %v", entries, err)
	}
}
