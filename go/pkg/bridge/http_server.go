package bridge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/astercloud/aster/internal/asterref"
)

// listeningMarker starts the line `aster-ref serve` prints once its socket is bound
// (aster_ref.messages.LISTENING).
const listeningMarker = "HTTP Bridge Server listening on"

// StartTimeout bounds how long StartAsync waits for the bridge to answer /health.
const StartTimeout = 20 * time.Second

// Server errors.
var (
	ErrStartFailed    = errors.New("bridge server failed to start")
	ErrAlreadyStarted = errors.New("bridge server already started")
	ErrServerExited   = errors.New("bridge server exited")
)

// HTTPBridgeServer is the HTTP bridge PTC code calls tools through. It runs
// `aster-ref serve` with the registry's workspace and schema overrides, so the
// AllowedCallers set in Go decide what code may call.
type HTTPBridgeServer struct {
	toolBridge *ToolBridge
	addr       string

	mu      sync.Mutex
	running *serveProcess
}

// NewHTTPBridgeServer returns a server for tb that will listen on addr ("host:port").
func NewHTTPBridgeServer(tb *ToolBridge, addr string) *HTTPBridgeServer {
	return &HTTPBridgeServer{toolBridge: tb, addr: addr}
}

// Addr returns the address the server listens on.
func (s *HTTPBridgeServer) Addr() string { return s.addr }

// StartAsync starts the server and returns once it answers /health, or with an
// error carrying the reference's message (port in use, aster-ref missing...).
func (s *HTTPBridgeServer) StartAsync() error {
	_, err := s.start()
	return err
}

// Start starts the server and blocks until it stops. After Shutdown it returns nil.
func (s *HTTPBridgeServer) Start() error {
	process, err := s.start()
	if err != nil {
		return err
	}
	<-process.exited
	if process.stopRequested() {
		return nil
	}
	return fmt.Errorf("%w: %v: %s", ErrServerExited, process.waitErr, process.output.tail())
}

func (s *HTTPBridgeServer) start() (*serveProcess, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != nil && !s.running.hasExited() {
		return nil, fmt.Errorf("%w on %s", ErrAlreadyStarted, s.addr)
	}
	process, err := s.spawn()
	if err != nil {
		return nil, fmt.Errorf("%w on %s: %v", ErrStartFailed, s.addr, err)
	}
	if err := process.awaitHealthy(s.addr); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), asterref.InterruptGrace)
		defer cancel()
		_ = process.stop(ctx)
		return nil, fmt.Errorf("%w on %s: %v", ErrStartFailed, s.addr, err)
	}
	s.running = process
	return process, nil
}

// Shutdown stops the server: an interrupt first (the reference closes cleanly),
// a kill if ctx ends before it has exited. Shutting down a stopped server is a no-op.
func (s *HTTPBridgeServer) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	process := s.running
	s.running = nil
	s.mu.Unlock()
	if process == nil {
		return nil
	}
	return process.stop(ctx)
}

func (s *HTTPBridgeServer) spawn() (*serveProcess, error) {
	host, port, err := net.SplitHostPort(s.addr)
	if err != nil {
		return nil, err
	}
	served, err := s.toolBridge.served()
	if err != nil {
		return nil, err
	}
	schemas, err := writeSchemas(served.overrides)
	if err != nil {
		return nil, err
	}
	cmd, err := asterref.Command("serve", "--host", host, "--port", port, "--root", served.root, "--schemas", schemas)
	if err != nil {
		os.Remove(schemas)
		return nil, err
	}
	process := &serveProcess{
		cmd:       cmd,
		schemas:   schemas,
		exited:    make(chan struct{}),
		listening: make(chan struct{}),
		output:    &outputTail{},
	}
	cmd.Stdout = &logForwarder{process: process}
	cmd.Stderr = &logForwarder{process: process}
	if err := cmd.Start(); err != nil {
		os.Remove(schemas)
		return nil, err
	}
	go func() {
		process.waitErr = cmd.Wait()
		close(process.exited)
	}()
	return process, nil
}

// serveProcess is one run of `aster-ref serve`.
type serveProcess struct {
	cmd       *exec.Cmd
	schemas   string
	exited    chan struct{}
	waitErr   error
	listening chan struct{}
	listenOne sync.Once
	output    *outputTail

	stopMu  sync.Mutex
	stopped bool
}

func (p *serveProcess) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

func (p *serveProcess) stopRequested() bool {
	p.stopMu.Lock()
	defer p.stopMu.Unlock()
	return p.stopped
}

func (p *serveProcess) awaitHealthy(addr string) error {
	deadline := time.NewTimer(StartTimeout)
	defer deadline.Stop()
	select {
	case <-p.listening:
	case <-p.exited:
		return fmt.Errorf("aster-ref serve exited (%v): %s", p.waitErr, p.output.tail())
	case <-deadline.C:
		return fmt.Errorf("aster-ref serve did not listen within %v: %s", StartTimeout, p.output.tail())
	}
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + addr + "/health")
	if err != nil {
		return fmt.Errorf("/health did not answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/health answered HTTP %d", resp.StatusCode)
	}
	return nil
}

func (p *serveProcess) stop(ctx context.Context) error {
	p.stopMu.Lock()
	p.stopped = true
	p.stopMu.Unlock()
	defer os.Remove(p.schemas)
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
		return nil
	case <-ctx.Done():
		_ = p.cmd.Process.Kill()
		<-p.exited
		return ctx.Err()
	}
}

// logForwarder passes the reference's log lines on to our stderr, keeps the last
// ones for error messages, and notices the listening line.
type logForwarder struct {
	process *serveProcess
	partial []byte
}

func (w *logForwarder) Write(data []byte) (int, error) {
	os.Stderr.Write(data)
	w.partial = append(w.partial, data...)
	for {
		end := bytes.IndexByte(w.partial, '\n')
		if end < 0 {
			return len(data), nil
		}
		line := string(w.partial[:end])
		w.partial = w.partial[end+1:]
		w.process.output.add(line)
		if strings.Contains(line, listeningMarker) {
			w.process.listenOne.Do(func() { close(w.process.listening) })
		}
	}
}

// outputTail keeps the last lines a process printed.
type outputTail struct {
	mu    sync.Mutex
	lines []string
}

const tailLines = 10

func (t *outputTail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > tailLines {
		t.lines = t.lines[len(t.lines)-tailLines:]
	}
}

func (t *outputTail) tail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
