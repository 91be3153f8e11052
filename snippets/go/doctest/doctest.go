// Package doctest is what the Go templates share: a workspace, the tools over it,
// log capture, and the "ok: ..." / failure reporting. The doc-test runner copies it
// next to every completed Go block (import "snippet/doctest").
package doctest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/astercloud/aster/pkg/bridge"
	"github.com/astercloud/aster/pkg/tools"
)

// SessionBridgeURL is the bridge the harness runs for the whole doc-test session.
const SessionBridgeURL = "http://localhost:8080"

// TestFile and TestText are the file the pages read and what it holds in workspaces made here.
const (
	TestFile = "test.txt"
	TestText = "hello from the Go doc-test workspace\n"
)

// Messages of the reference the templates expect, as aster_ref.messages defines them
// (tests/go checks they agree).
const (
	ExecutionTimeout = "execution timeout"
	ToolNotAllowed   = "Tool %s is not allowed in code_execution context"
)

// ReadCode is the PTC code the templates run: it prints test.txt.
const ReadCode = `print(await Read(path="test.txt"))`

// Fail reports why the block did not do what the page says and exits 1.
func Fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

// OK reports a check that passed.
func OK(format string, args ...any) {
	fmt.Printf("ok: "+format+"\n", args...)
}

// Check fails with the error if err is not nil.
func Check(err error, what string) {
	if err != nil {
		Fail("%s: %v", what, err)
	}
}

// NewWorkspace creates a workspace holding TestFile; remove it with os.RemoveAll.
func NewWorkspace() string {
	root, err := os.MkdirTemp("", "aster-go-workspace-")
	Check(err, "create workspace")
	Check(os.WriteFile(filepath.Join(root, TestFile), []byte(TestText), 0o644), "write "+TestFile)
	return root
}

// ReadRegistry returns a registry holding the Read built-in over root (and extra tools).
func ReadRegistry(root string, extra ...tools.Tool) *tools.Registry {
	reg := tools.NewRegistry()
	for _, tool := range append([]tools.Tool{tools.NewBuiltin("Read", root)}, extra...) {
		Check(reg.Register(tool), "register "+tool.Name())
	}
	return reg
}

// Shutdown stops a bridge server, failing if it does not stop within 10 s.
func Shutdown(server *bridge.HTTPBridgeServer) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	Check(server.Shutdown(ctx), "shut down the bridge on "+server.Addr())
}

// ExpectHealthy fails unless the bridge at url answers /health with 200.
func ExpectHealthy(url string) {
	resp, err := http.Get(url + "/health")
	Check(err, "GET "+url+"/health")
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		Fail("GET %s/health answered HTTP %d", url, resp.StatusCode)
	}
}

// ExpectContains fails unless text contains want.
func ExpectContains(text, want, what string) {
	if !strings.Contains(text, want) {
		Fail("%s: %q does not contain %q", what, text, want)
	}
}

// ExpectReadOutput fails unless result is a successful run that printed TestText.
func ExpectReadOutput(result any, err error, what string) {
	Check(err, what)
	execution, ok := result.(*bridge.ExecutionResult)
	if !ok {
		Fail("%s: got %T, want *bridge.ExecutionResult", what, result)
	}
	if !execution.Success {
		Fail("%s: execution failed: %s\n%s", what, execution.Error, execution.Stderr)
	}
	ExpectContains(execution.Stdout, strings.TrimSpace(TestText), what)
}

// LogCapture keeps what the standard logger writes, still passing it on to stderr.
type LogCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// CaptureLog starts capturing the standard logger's output.
func CaptureLog() *LogCapture {
	capture := &LogCapture{}
	log.SetOutput(io.MultiWriter(os.Stderr, capture))
	return capture
}

func (c *LogCapture) Write(data []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(data)
}

// String returns what was logged so far.
func (c *LogCapture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}
