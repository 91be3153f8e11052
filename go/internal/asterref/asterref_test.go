package asterref

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLocateReportsAMissingExecutable(t *testing.T) {
	t.Setenv(EnvVar, filepath.Join(t.TempDir(), "no-such-aster-ref"))
	if _, err := Locate(); !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

func TestLocateSearchesPathWhenTheVariableIsUnset(t *testing.T) {
	t.Setenv(EnvVar, "")
	t.Setenv("PATH", t.TempDir())
	_, err := Locate()
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
	if got := err.Error(); got[:len(ErrNotFound.Error())] != ErrNotFound.Error() {
		t.Fatalf("message %q does not start with %q", got, ErrNotFound)
	}
}

func TestLocateUsesTheVariable(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	t.Setenv(EnvVar, sh)
	got, err := Locate()
	if err != nil || got != sh {
		t.Fatalf("got %q, %v; want %q", got, err, sh)
	}
}

func TestRunInterruptsOnCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, exec.Command("sleep", "10"), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > InterruptGrace {
		t.Fatalf("sleep survived the interrupt for %v", elapsed)
	}
}

func TestRunReportsExitCodeAndOutput(t *testing.T) {
	result, err := Run(context.Background(), exec.Command("sh", "-c", "cat; echo oops >&2; exit 3"), []byte("in"))
	if err != nil {
		t.Fatal(err)
	}
	if string(result.Stdout) != "in" || string(result.Stderr) != "oops\n" || result.ExitCode != 3 {
		t.Fatalf("got %q %q %d", result.Stdout, result.Stderr, result.ExitCode)
	}
}

func TestTailKeepsTheLastLines(t *testing.T) {
	if got := Tail([]byte("a\nb\nc\n"), 2); got != "b\nc" {
		t.Fatalf("got %q", got)
	}
}

func TestServeReportsTheReferencesMessage(t *testing.T) {
	if _, err := Locate(); err != nil {
		t.Skip(err)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	_, err := Serve("localhost", "0", missing)
	if err == nil || !strings.Contains(err.Error(), "Error: cannot use --root "+missing) {
		t.Fatalf("got %v, want aster-ref serve's own message", err)
	}
}

func TestServeEndsWhenItsLifelineCloses(t *testing.T) {
	if _, err := Locate(); err != nil {
		t.Skip(err)
	}
	server, err := Serve("localhost", "0", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// What the exit of this process does, however it ends, without Stop.
	server.lifeline.Close()
	select {
	case <-server.exited:
		if server.waitErr != nil {
			t.Fatalf("aster-ref serve ended with %v, want a clean exit", server.waitErr)
		}
	case <-time.After(30 * time.Second):
		_ = server.cmd.Process.Kill()
		t.Fatal("aster-ref serve kept running after its lifeline closed")
	}
}

// fakeReference makes ASTER_REF a script that prints output on stderr and exits with code.
func fakeReference(t *testing.T, output string, code int) {
	t.Helper()
	script := filepath.Join(t.TempDir(), "aster-ref")
	body := "#!/bin/sh\ncat >/dev/null\nprintf '%s' '" + output + "' >&2\nexit " + strconv.Itoa(code) + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar, script)
}

func TestAnswersThatAreNotJSONAreReported(t *testing.T) {
	fakeReference(t, "Traceback: boom", 3)
	ctx := context.Background()
	if _, err := Execute(ctx, Request{Code: "print(1)"}); err == nil ||
		err.Error() != "aster-ref run exited 3 without a JSON result: Traceback: boom" {
		t.Errorf("Execute: %v", err)
	}
	t.Chdir(t.TempDir())
	if _, err := NewTool("Read").Execute(ctx, nil, nil); err == nil ||
		err.Error() != "tool Read: aster-ref call exited 3 without a JSON answer: Traceback: boom" {
		t.Errorf("Tool.Execute: %v", err)
	}
	if _, err := Wrap(ctx, "print(1)", nil, nil); err == nil || err.Error() != "aster-ref wrap: Traceback: boom" {
		t.Errorf("Wrap: %v", err)
	}
}

func TestInputThatIsNotJSONIsReported(t *testing.T) {
	input := map[string]any{"bad": make(chan int)}
	if _, err := NewTool("Read").Execute(context.Background(), input, nil); err == nil ||
		!strings.HasPrefix(err.Error(), "tool Read: input is not JSON: json: unsupported type: chan int") {
		t.Errorf("Tool.Execute: %v", err)
	}
	if _, err := Wrap(context.Background(), "print(1)", nil, input); err == nil ||
		!strings.HasPrefix(err.Error(), "input is not JSON: json: unsupported type: chan int") {
		t.Errorf("Wrap: %v", err)
	}
}
