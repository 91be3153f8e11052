// Package mirrortest holds what the mirror's package tests share: the reference, run
// sockets of their own, a workspace, free addresses and captured standard output.
package mirrortest

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/astercloud/aster/internal/asterref"
)

// TestText is what test.txt holds in a Workspace.
const TestText = "hello from the mirror's test workspace\n"

// RequireAsterRef skips the test when the reference is not installed (tests/go sets
// ASTER_REF, so under `make test` these tests run).
func RequireAsterRef(t *testing.T) {
	t.Helper()
	if _, err := asterref.Locate(); err != nil {
		t.Skip(err)
	}
}

// IsolateRunSockets points XDG_RUNTIME_DIR at a new directory for the rest of the test
// binary (call it from TestMain), so its runs reach only the serves its tests start, never
// one already running on the machine (the doc-tests' bridge on localhost:8080, say).
// The returned func removes the directory.
func IsolateRunSockets() func() {
	dir, err := os.MkdirTemp("", "mirror-xdg-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_RUNTIME_DIR", dir)
	return func() { os.RemoveAll(dir) }
}

// Workspace makes a temp dir holding test.txt the test's working directory (the
// mirror's tools and bridge act in the working directory) and returns it.
func Workspace(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "test.txt"), []byte(TestText), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	return root
}

// FreeAddr returns a localhost address nothing listens on.
func FreeAddr(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return "localhost:" + strconv.Itoa(listener.Addr().(*net.TCPAddr).Port)
}

// Stdout returns what run prints on standard output.
func Stdout(t *testing.T, run func()) string {
	t.Helper()
	reader, writer, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = writer
	printed := make(chan []byte, 1)
	go func() {
		data, _ := io.ReadAll(reader)
		printed <- data
	}()
	func() {
		defer func() {
			os.Stdout = saved
			writer.Close()
		}()
		run()
	}()
	return string(<-printed)
}
