package asterref

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
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
