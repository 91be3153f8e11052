package asterref

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// listeningMarker starts the line `aster-ref serve` prints once its socket is bound
// (aster_ref.messages.LISTENING).
const listeningMarker = "HTTP Bridge Server listening on"

// StartTimeout bounds how long Serve waits for `aster-ref serve` to listen.
const StartTimeout = 20 * time.Second

// Server is a running `aster-ref serve`.
type Server struct {
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	output  *lineLog
	// The write end of serve's stdin, never written: when this process exits, however it ends
	// (os.Exit, log.Fatal, a panic, no Shutdown), the pipe closes and serve stops (--exit-on-stdin-eof),
	// as upstream's in-process server ends with its program.
	lifeline io.WriteCloser
}

// Serve starts `aster-ref serve` for the built-in tools in root and returns once it
// listens, or with the reference's own message when it cannot (port taken, bad root...).
func Serve(host, port, root string) (*Server, error) {
	args := []string{"serve", "--port", port, "--root", root, "--exit-on-stdin-eof"}
	if host != "" {
		args = append(args, "--host", host)
	}
	cmd, err := Command(args...)
	if err != nil {
		return nil, err
	}
	output := &lineLog{listening: make(chan struct{})}
	cmd.Stdout = output
	cmd.Stderr = output
	lifeline, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("start aster-ref serve: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start aster-ref serve: %w", err)
	}
	server := &Server{cmd: cmd, exited: make(chan struct{}), output: output, lifeline: lifeline}
	go func() {
		server.waitErr = cmd.Wait()
		close(server.exited)
	}()
	deadline := time.NewTimer(StartTimeout)
	defer deadline.Stop()
	select {
	case <-output.listening:
		return server, nil
	case <-server.exited:
		return nil, fmt.Errorf("aster-ref serve exited (%v): %s", server.waitErr, output.tail())
	case <-deadline.C:
		ctx, cancel := context.WithTimeout(context.Background(), InterruptGrace)
		defer cancel()
		_ = server.Stop(ctx)
		return nil, fmt.Errorf("aster-ref serve did not listen within %v: %s", StartTimeout, output.tail())
	}
}

// Stop interrupts the server (it closes cleanly) and kills it if ctx ends first.
func (s *Server) Stop(ctx context.Context) error {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
		return nil
	case <-ctx.Done():
		_ = s.cmd.Process.Kill()
		<-s.exited
		return ctx.Err()
	}
}

// lineLog keeps the last lines the server printed, for error messages, and notices
// the listening line.
type lineLog struct {
	mu        sync.Mutex
	partial   []byte
	lines     []string
	listening chan struct{}
	heard     bool
}

const tailLines = 10

func (l *lineLog) Write(data []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, data...)
	for {
		end := bytes.IndexByte(l.partial, '\n')
		if end < 0 {
			return len(data), nil
		}
		line := string(l.partial[:end])
		l.partial = l.partial[end+1:]
		l.lines = append(l.lines[max(0, len(l.lines)-tailLines+1):], line)
		if !l.heard && strings.HasPrefix(line, listeningMarker) {
			l.heard = true
			close(l.listening)
		}
	}
}

func (l *lineLog) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
