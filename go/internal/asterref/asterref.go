// Package asterref runs the aster-ref command of the Python reference (aster_ref), which
// gives the mirror its behaviour. Every call the mirror makes to the reference goes
// through this package: Execute (PythonRuntime.Execute: warm on the run socket of a
// running `aster-ref serve`, else one `aster-ref run`), Wrap (the program Execute runs,
// when something prints it), Serve (HTTPBridgeServer) and Tool.Execute (the built-in
// tools).
package asterref

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// EnvVar names the environment variable holding the path of the aster-ref executable.
const EnvVar = "ASTER_REF"

// InterruptGrace is how long a process gets to stop after an interrupt before it is killed.
const InterruptGrace = 3 * time.Second

// ErrNotFound is returned when the aster-ref executable cannot be located.
var ErrNotFound = errors.New("aster-ref not found: set " + EnvVar +
	" to its path or put it on PATH (it is installed with the aster_ref Python package)")

// Locate returns the aster-ref executable: $ASTER_REF if set, else aster-ref on PATH.
func Locate() (string, error) {
	name := "aster-ref"
	if fromEnv := os.Getenv(EnvVar); fromEnv != "" {
		name = fromEnv
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrNotFound, err)
	}
	return path, nil
}

// Command returns an aster-ref command with the given arguments.
func Command(args ...string) (*exec.Cmd, error) {
	path, err := Locate()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, args...)
	// Once it exits (or is killed), stop waiting for output a process it left behind still holds open.
	cmd.WaitDelay = InterruptGrace
	return cmd, nil
}

// Result is what a finished aster-ref command printed and its exit code.
type Result struct {
	Stdout   []byte
	Stderr   []byte
	ExitCode int
}

// Run runs cmd with stdin to completion. When ctx is done first, the process gets an
// interrupt (so the reference cleans up: kills its Python child, deletes temp files),
// then is killed after InterruptGrace; Run then returns ctx.Err().
// A non-zero exit is not an error: callers read Result.ExitCode.
func Run(ctx context.Context, cmd *exec.Cmd, stdin []byte) (*Result, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start aster-ref: %w", err)
	}
	if err := WaitOrInterrupt(ctx, cmd); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return nil, err
		}
	}
	return &Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), ExitCode: cmd.ProcessState.ExitCode()}, nil
}

// WaitOrInterrupt waits for a started cmd. If ctx is done first it interrupts the
// process, kills it after InterruptGrace, and returns ctx.Err().
func WaitOrInterrupt(ctx context.Context, cmd *exec.Cmd) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	_ = cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
	case <-time.After(InterruptGrace):
		_ = cmd.Process.Kill()
		<-done
	}
	return ctx.Err()
}

// Tail returns the last lines of what a process printed, trimmed, for error messages.
func Tail(output []byte, lines int) string {
	text := strings.TrimSpace(string(output))
	all := strings.Split(text, "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
