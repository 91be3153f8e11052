// Package doctest is what the Go templates share: a workspace, captured output, the
// "ok: ..." / "FAIL: ..." reporting, and observers a template puts in place of a package
// the block calls (bridge, http, time) to see the values the block passes and to drive
// its clock. The doc-test runner copies it next to every completed Go block
// (import "snippet/doctest"); the program runs with a TMPDIR of its own that the runner
// deletes afterwards.
package doctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools/bridge"
)

// TestFile is the file the pages read; ReadCode is PTC code that prints it.
const (
	TestFile = "test.txt"
	ReadCode = `print(await Read(path="test.txt"))`
)

// Messages the templates expect, as aster_ref.messages and upstream's HTTPBridgeServer
// print them (tests/go checks they agree).
const (
	ExecutionTimeout = "execution timeout"
	ToolNotAllowed   = "Tool %s is not allowed in code_execution context"
	FileNotFound     = "file not found: %s"
	ServerError      = "HTTP Bridge Server error: "
)

// DefaultBridgeURL is where upstream's CodeExecute and SDK prelude call tools by default.
const DefaultBridgeURL = "http://localhost:8080"

// BridgeURLVariable names the variable that may point the templates at another session bridge.
const BridgeURLVariable = "ASTER_DOCTEST_BRIDGE_URL"

// SessionBridgeURL is the bridge the doc-tests run for the whole session: the pages'
// localhost:8080 unless BridgeURLVariable says otherwise.
func SessionBridgeURL() string {
	if url := os.Getenv(BridgeURLVariable); url != "" {
		return url
	}
	return DefaultBridgeURL
}

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

// ExpectContains fails unless text contains want.
func ExpectContains(text, want, what string) {
	if !strings.Contains(text, want) {
		Fail("%s: %q does not contain %q", what, text, want)
	}
}

// EnterWorkspace makes a fresh directory holding TestFile the working directory (the
// mirror's tools and bridge act in it) and returns the file's text, unique to this run,
// so a read that reaches another bridge's workspace shows.
func EnterWorkspace() string {
	root, err := os.MkdirTemp("", "aster-go-workspace-")
	Check(err, "create workspace")
	text := fmt.Sprintf("hello from workspace %s\n", filepath.Base(root))
	Check(os.WriteFile(filepath.Join(root, TestFile), []byte(text), 0o644), "write "+TestFile)
	Check(os.Chdir(root), "enter the workspace")
	return text
}

// Shutdown stops a bridge server, failing if it does not stop within 10 s.
func Shutdown(server *bridge.HTTPBridgeServer) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	Check(server.Shutdown(ctx), "shut down the bridge")
}

// ReadThroughBridge asks the bridge at url for TestFile as a direct caller (POST /tools/call).
func ReadThroughBridge(url string) string {
	body, _ := json.Marshal(map[string]any{"tool": "Read", "input": map[string]any{"path": TestFile}})
	resp, err := http.Post(url+"/tools/call", "application/json", bytes.NewReader(body))
	Check(err, "POST "+url+"/tools/call")
	defer resp.Body.Close()
	var answer struct {
		Success bool   `json:"success"`
		Result  string `json:"result"`
		Error   string `json:"error"`
	}
	Check(json.NewDecoder(resp.Body).Decode(&answer), "decode the answer of "+url+"/tools/call")
	if !answer.Success {
		Fail("the bridge at %s could not read %s: %s", url, TestFile, answer.Error)
	}
	return answer.Result
}

// Healthy reports whether a bridge answers GET url/health with 200.
func Healthy(url string) bool {
	resp, err := http.Get(url + "/health")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// HostPort is the host:port of a URL or an address, with localhost spelled 127.0.0.1.
func HostPort(address string) string {
	if parsed, err := url.Parse(address); err == nil && parsed.Host != "" {
		address = parsed.Host
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return address
	}
	if host == "localhost" || host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// IsLoopback reports whether a URL points at this machine.
func IsLoopback(address string) bool {
	host, _, _ := net.SplitHostPort(HostPort(address))
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// --- captured output ----------------------------------------------------------------

// Capture keeps what is written to one stream, still passing it on.
type Capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *Capture) Write(data []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(data)
}

// String returns what was written so far.
func (c *Capture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// Lines returns the complete lines written so far.
func (c *Capture) Lines() []string {
	text := c.String()
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		return strings.Split(text[:i], "\n")
	}
	return nil
}

// CaptureLog captures the standard logger's output.
func CaptureLog() *Capture {
	capture := &Capture{}
	log.SetOutput(io.MultiWriter(os.Stderr, capture))
	return capture
}

// CaptureFile captures what is written to *file (os.Stdout or os.Stderr) until the
// returned stop is called, which restores the file and waits for the last bytes.
func CaptureFile(file **os.File) (*Capture, func()) {
	reader, writer, err := os.Pipe()
	Check(err, "pipe")
	original := *file
	*file = writer
	capture := &Capture{}
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.MultiWriter(original, capture), reader)
		close(done)
	}()
	return capture, func() {
		*file = original
		writer.Close()
		<-done
	}
}

// --- observers: values in place of the packages a block calls -------------------------

// Bridge stands in for package bridge in a block that creates servers: it records the
// address of each and creates it with the real package.
type Bridge struct {
	mu      sync.Mutex
	Addrs   []string
	Servers []*bridge.HTTPBridgeServer
}

// NewHTTPBridgeServer records addr and returns the real server.
func (b *Bridge) NewHTTPBridgeServer(toolBridge *bridge.ToolBridge, addr string) *bridge.HTTPBridgeServer {
	b.mu.Lock()
	defer b.mu.Unlock()
	server := bridge.NewHTTPBridgeServer(toolBridge, addr)
	b.Addrs = append(b.Addrs, addr)
	b.Servers = append(b.Servers, server)
	return server
}

// Last returns the address and server of the last server created.
func (b *Bridge) Last(what string) (string, *bridge.HTTPBridgeServer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.Servers) == 0 {
		Fail("%s: the block created no HTTPBridgeServer", what)
	}
	return b.Addrs[len(b.Addrs)-1], b.Servers[len(b.Servers)-1]
}

// HTTP stands in for package http: it records the URLs the block requests and the
// addresses it serves on, and answers with Respond if set (nil: the real request).
type HTTP struct {
	StatusOK int
	// Respond answers the call-th Get (from 1); it returns nil, nil to make the real request.
	Respond func(call int, url string) (*http.Response, error)

	mu      sync.Mutex
	urls    []string
	results []error
	served  []string
	serving chan struct{}
}

// NewHTTP returns an HTTP that makes real requests.
func NewHTTP() *HTTP {
	return &HTTP{StatusOK: http.StatusOK, serving: make(chan struct{}, 1)}
}

// Get records url, answers it, and records the error (nil for an answer).
func (h *HTTP) Get(url string) (*http.Response, error) {
	h.mu.Lock()
	h.urls = append(h.urls, url)
	call := len(h.urls)
	h.mu.Unlock()
	var resp *http.Response
	var err error
	if h.Respond != nil {
		resp, err = h.Respond(call, url)
	}
	if resp == nil && err == nil {
		resp, err = http.Get(url)
	}
	h.mu.Lock()
	h.results = append(h.results, err)
	h.mu.Unlock()
	return resp, err
}

// Snapshot returns the URLs requested and the errors of those answered so far.
func (h *HTTP) Snapshot() ([]string, []error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.urls...), append([]error(nil), h.results...)
}

// ListenAndServe records addr and serves handler there with the real package.
func (h *HTTP) ListenAndServe(addr string, handler http.Handler) error {
	h.mu.Lock()
	h.served = append(h.served, addr)
	h.mu.Unlock()
	select {
	case h.serving <- struct{}{}:
	default:
	}
	return http.ListenAndServe(addr, handler)
}

// WaitServed returns the first address the block serves on, waiting for it up to within.
func (h *HTTP) WaitServed(within time.Duration) string {
	select {
	case <-h.serving:
	case <-time.After(within):
		Fail("the block served nothing within %v", within)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.served[0]
}

// Clock stands in for package time in a block: Second and the other units are the
// template's own (scaled) durations, and NewTicker records the interval and returns a
// ticker the template drives with Tick.
type Clock struct {
	Millisecond, Second, Minute time.Duration

	mu        sync.Mutex
	Intervals []time.Duration
	ticks     chan time.Time
}

// NewClock returns a clock whose second lasts second of real time.
func NewClock(second time.Duration) *Clock {
	return &Clock{
		Millisecond: second / 1000,
		Second:      second,
		Minute:      60 * second,
		ticks:       make(chan time.Time),
	}
}

// NewTicker records d and returns a ticker that ticks when the template calls Tick.
func (c *Clock) NewTicker(d time.Duration) *time.Ticker {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d <= 0 {
		Fail("the block made a ticker with interval %v; time.NewTicker panics unless it is positive", d)
	}
	c.Intervals = append(c.Intervals, d)
	return &time.Ticker{C: c.ticks}
}

// Tick delivers one tick; it returns once the block's loop has taken it, that is once
// the loop has finished the iteration before.
func (c *Clock) Tick(within time.Duration) {
	select {
	case c.ticks <- time.Now():
	case <-time.After(within):
		Fail("the block's loop did not take a tick within %v", within)
	}
}

// --- a bridge serving tool schemas, as the host hands them to the model ------------------

// ServeSchemas starts `aster-ref serve` for the working directory with schemas (their
// AllowedCallers decide what code may call) and returns its URL and how to stop it.
func ServeSchemas(schemas ...provider.ToolSchema) (string, func()) {
	file, err := os.CreateTemp("", "aster-schemas-*.json")
	Check(err, "create the schemas file")
	Check(json.NewEncoder(file).Encode(schemas), "write the schemas file")
	file.Close()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	Check(err, "find a free port")
	port := strconv.Itoa(listener.Addr().(*net.TCPAddr).Port)
	listener.Close()
	root, err := os.Getwd()
	Check(err, "working directory")
	asterRef := os.Getenv("ASTER_REF")
	if asterRef == "" {
		asterRef = "aster-ref"
	}
	serve := exec.Command(asterRef, "serve", "--port", port, "--root", root, "--schemas", file.Name())
	serve.Stderr = os.Stderr
	Check(serve.Start(), "start aster-ref serve")
	url := "http://127.0.0.1:" + port
	stop := func() {
		_ = serve.Process.Kill()
		_ = serve.Wait()
		os.Remove(file.Name())
	}
	for deadline := time.Now().Add(20 * time.Second); !Healthy(url); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			stop()
			Fail("aster-ref serve --schemas did not answer on %s", url)
		}
	}
	return url, stop
}
