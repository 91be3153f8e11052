package asterref

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// fakeBridgeURL is the bridge of the fake serves: runs reach them on its run socket, no TCP.
const fakeBridgeURL = "http://localhost:1"

// watchdog bounds the waits on a fake serve, so a broken client fails instead of hanging.
const watchdog = 30 * time.Second

// shortDir is a new directory under the system temp dir (a socket path must fit in 108
// bytes, and t.TempDir's names grow with the test's).
func shortDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "asterref-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// runSocketDir points XDG_RUNTIME_DIR at a new directory, so this test meets no serve of the
// machine's, and makes serve's socket directory in it.
func runSocketDir(t *testing.T) {
	t.Helper()
	runtimeDir := shortDir(t)
	t.Setenv("XDG_RUNTIME_DIR", runtimeDir)
	if err := os.Mkdir(filepath.Join(runtimeDir, "aster-ref"), 0o700); err != nil {
		t.Fatal(err)
	}
}

// fakeRun is one connection to a fake serve, its request line read.
type fakeRun struct {
	request map[string]any
	reader  *bufio.Reader
	conn    *net.UnixConn
}

func (r *fakeRun) answer(line string) error {
	_, err := r.conn.Write([]byte(line + "\n"))
	return err
}

// fakeServe listens, as this user, on the run socket of fakeBridgeURL and hands each run to handle.
func fakeServe(t *testing.T, handle func(*fakeRun)) {
	t.Helper()
	runSocketDir(t)
	listener, err := net.ListenUnix("unix", &net.UnixAddr{Name: SocketPath(fakeBridgeURL), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { listener.Close() })
	go func() {
		for {
			conn, err := listener.AcceptUnix()
			if err != nil {
				return
			}
			run := &fakeRun{reader: bufio.NewReader(conn), conn: conn}
			if line, err := run.reader.ReadBytes('\n'); err == nil {
				_ = json.Unmarshal(line, &run.request)
			}
			handle(run)
			conn.Close()
		}
	}()
}

// noReference makes ASTER_REF a path with nothing there: a test that still runs proves no aster-ref process started.
func noReference(t *testing.T) {
	t.Setenv(EnvVar, filepath.Join(t.TempDir(), "no-aster-ref"))
}

func TestSocketPathIsServesForALoopbackBridge(t *testing.T) {
	runtimeDir := t.TempDir() // only joined into paths: nothing is opened there
	t.Setenv("XDG_RUNTIME_DIR", runtimeDir)
	sockets := filepath.Join(runtimeDir, "aster-ref")
	for bridgeURL, want := range map[string]string{
		"http://localhost:8080":  filepath.Join(sockets, "8080.sock"),
		"http://LOCALHOST:08080": filepath.Join(sockets, "8080.sock"),
		"http://127.0.0.1:9000/": filepath.Join(sockets, "9000.sock"),
		"http://[::1]:9000":      filepath.Join(sockets, "9000.sock"),
		"http://example.com:80":  "",
		"http://10.0.0.1:8080":   "",
		"http://localhost":       "",
		"http://localhost:99999": "",
		"localhost:8080":         "",
		"":                       "",
	} {
		if got := SocketPath(bridgeURL); got != want {
			t.Errorf("SocketPath(%q) = %q, want %q", bridgeURL, got, want)
		}
	}
	t.Setenv("XDG_RUNTIME_DIR", "")
	if got, want := SocketPath("http://localhost:8080"), "/tmp/aster-ref-"+strconv.Itoa(os.Getuid())+"/8080.sock"; got != want {
		t.Errorf("without XDG_RUNTIME_DIR: %q, want %q", got, want)
	}
}

// everyOption is a run that sets every option, with work as its work dir.
func everyOption(work string) Request {
	return Request{
		BridgeURL: fakeBridgeURL,
		Code:      "print(input_data['n'])",
		Tools:     []string{"Read", "Write"},
		Input:     map[string]any{"n": 1},
		Timeout:   2500 * time.Millisecond,
		MaxOutput: 100,
		WorkDir:   work,
		Env:       map[string]string{"ASTER_DOC_VALUE": "42"},
	}
}

func TestExecuteHandsTheRunToServe(t *testing.T) {
	requests := make(chan map[string]any, 1)
	fakeServe(t, func(run *fakeRun) {
		requests <- run.request
		_ = run.answer(`{"result": {"success": true, "output": 1, "stdout": "1\n", "stderr": "", "error": "", "exit_code": 0, "duration": 0.25}}`)
	})
	noReference(t)
	t.Setenv(tokenVariable, "secret")
	t.Setenv("ASTER_DOC_INHERITED", "from the client")
	work := t.TempDir()
	execution, err := Execute(context.Background(), everyOption(work))
	if err != nil {
		t.Fatal(err)
	}
	if want := (&Execution{Success: true, Output: 1.0, Stdout: "1\n", Duration: 0.25}); !reflect.DeepEqual(execution, want) {
		t.Errorf("got %+v, want %+v", execution, want)
	}
	request := <-requests
	env, _ := request["env"].(map[string]any)
	if env["ASTER_DOC_VALUE"] != "42" || env["ASTER_DOC_INHERITED"] != "from the client" || env["PATH"] != os.Getenv("PATH") {
		t.Errorf("env: the code's whole environment, this process's and the config's, is expected; got %v", env)
	}
	delete(request, "env")
	cwd, _ := os.Getwd()
	want := map[string]any{
		"version": 1.0, "bridge_url": fakeBridgeURL, "code": "print(input_data['n'])", "tools": []any{"Read", "Write"},
		"input": map[string]any{"n": 1.0}, "token": "secret", "timeout": 2.5, "max_output": 100.0,
		"work_dir": work, "temp_dir": os.TempDir(), "cwd": cwd,
	}
	if !reflect.DeepEqual(request, want) {
		t.Errorf("request %v\nwant    %v", request, want)
	}
}

func TestAWrappedProgramGoesAsIsAndDefaultsAreServes(t *testing.T) {
	requests := make(chan map[string]any, 1)
	fakeServe(t, func(run *fakeRun) {
		requests <- run.request
		_ = run.answer(`{"result": {"success": true, "exit_code": 0}}`)
	})
	if _, err := Execute(context.Background(), Request{BridgeURL: fakeBridgeURL, Program: "print(1)\n", Code: "ignored", Tools: []string{"Read"}}); err != nil {
		t.Fatal(err)
	}
	request := <-requests
	if request["program"] != "print(1)\n" {
		t.Errorf("program: %v", request["program"])
	}
	for _, key := range []string{"code", "tools", "input", "token", "timeout", "max_output", "work_dir"} {
		if value, sent := request[key]; sent {
			t.Errorf("%s = %v sent; serve's default was expected", key, value)
		}
	}
}

func TestServesAnswersOtherThanAResult(t *testing.T) {
	refusal := "Error: not a run request: tool name 'x-y' is not a Python identifier, so code cannot call it"
	for name, answer := range map[string]string{
		"a refusal":       `{"error": "` + refusal + `"}`,
		"no answer":       "",
		"not JSON":        "Traceback (most recent call last):",
		"neither":         `{"something": "else"}`,
		"an empty result": `{"result": null}`,
	} {
		t.Run(name, func(t *testing.T) {
			fakeServe(t, func(run *fakeRun) {
				if answer != "" {
					_ = run.answer(answer)
				}
			})
			_, err := Execute(context.Background(), Request{BridgeURL: fakeBridgeURL, Code: "print(1)"})
			var refused *RefusedError
			if name == "a refusal" {
				if !errors.As(err, &refused) || refused.Message != refusal {
					t.Fatalf("got %v, want the refusal %q", err, refusal)
				}
			} else if err == nil || err.Error() != RunSocketClosed || errors.As(err, &refused) {
				t.Fatalf("got %v, want %q", err, RunSocketClosed)
			}
		})
	}
}

func TestCancellingAsksServeToStopAndWaitsForIt(t *testing.T) {
	received, shutDown, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
	confirmed := make(chan error, 1)
	fakeServe(t, func(run *fakeRun) {
		close(received)
		if _, err := run.reader.ReadByte(); err == io.EOF {
			close(shutDown)
		}
		<-release
		confirmed <- run.answer(`{"cancelled": true}`)
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Execute(ctx, Request{BridgeURL: fakeBridgeURL, Code: "import time; time.sleep(60)"})
		done <- err
	}()
	<-received
	cancel()
	select {
	case <-shutDown:
	case <-time.After(watchdog):
		t.Fatal("the client did not shut down its sending side")
	}
	select {
	case err := <-done:
		t.Fatalf("Execute returned (%v) before serve confirmed the cancel", err)
	default:
	}
	close(release)
	if err := <-confirmed; err != nil {
		t.Errorf("serve could not confirm the cancel: %v (the client closed its socket)", err)
	}
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// recordingReference makes ASTER_REF a script that appends its arguments to the file calls (a
// line per call), saves its stdin and ASTER_DOC_VALUE, prints stdout and stderr and exits with code.
func recordingReference(t *testing.T, stdout, stderr string, code int) (dir string) {
	t.Helper()
	dir = t.TempDir()
	for name, text := range map[string]string{"stdout": stdout, "stderr": stderr} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(dir, "aster-ref")
	body := "#!/bin/sh\ncd " + dir + "\nprintf '%s\\n' \"$*\" >>calls\ncat >stdin\nprintf '%s' \"$ASTER_DOC_VALUE\" >env\n" +
		"cat stdout\ncat stderr >&2\nexit " + strconv.Itoa(code) + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar, script)
	return dir
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// staleSocket leaves a socket file at fakeBridgeURL's run socket that nothing listens on (a killed serve's).
func staleSocket(t *testing.T) {
	t.Helper()
	runSocketDir(t)
	listener, err := net.ListenUnix("unix", &net.UnixAddr{Name: SocketPath(fakeBridgeURL), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	listener.SetUnlinkOnClose(false)
	listener.Close()
}

func TestWithoutServeOneAsterRefRunRunsTheCode(t *testing.T) {
	staleSocket(t)
	reference := recordingReference(t, `{"success": true, "stdout": "1\n", "exit_code": 0, "duration": 0.5}`, "", 0)
	work := t.TempDir()
	execution, err := Execute(context.Background(), everyOption(work))
	if err != nil {
		t.Fatal(err)
	}
	if want := (&Execution{Success: true, Stdout: "1\n", Duration: 0.5}); !reflect.DeepEqual(execution, want) {
		t.Errorf("got %+v, want %+v", execution, want)
	}
	want := `run --json --tools Read,Write --input {"n":1} --timeout 2.5 --bridge-url ` + fakeBridgeURL +
		" --max-output 100 --work-dir " + work + " -\n"
	if calls := readFile(t, filepath.Join(reference, "calls")); calls != want {
		t.Errorf("aster-ref calls:\n%s\nwant one:\n%s", calls, want)
	}
	if stdin := readFile(t, filepath.Join(reference, "stdin")); stdin != "print(input_data['n'])" {
		t.Errorf("stdin %q: the code, unwrapped, is expected", stdin)
	}
	if env := readFile(t, filepath.Join(reference, "env")); env != "42" {
		t.Errorf("ASTER_DOC_VALUE = %q in aster-ref run's environment", env)
	}
}

func TestWithoutServeAWrappedProgramRunsAsIs(t *testing.T) {
	runSocketDir(t)
	reference := recordingReference(t, `{"success": true, "exit_code": 0}`, "", 0)
	if _, err := Execute(context.Background(), Request{BridgeURL: fakeBridgeURL, Program: "print(1)\n", Tools: []string{"Read"}}); err != nil {
		t.Fatal(err)
	}
	if calls, want := readFile(t, filepath.Join(reference, "calls")), "run --json --wrapped --bridge-url "+fakeBridgeURL+" -\n"; calls != want {
		t.Errorf("aster-ref calls:\n%s\nwant:\n%s", calls, want)
	}
	if stdin := readFile(t, filepath.Join(reference, "stdin")); stdin != "print(1)\n" {
		t.Errorf("stdin %q", stdin)
	}
}

func TestWithoutServeARefusedRunIsARefusal(t *testing.T) {
	runSocketDir(t)
	message := "Error: tool name 'x-y' is not a Python identifier, so code cannot call it"
	recordingReference(t, "", message+"\n", exitUsage)
	_, err := Execute(context.Background(), Request{BridgeURL: fakeBridgeURL, Code: "print(1)", Tools: []string{"x-y"}})
	var refused *RefusedError
	if !errors.As(err, &refused) || refused.Message != message {
		t.Fatalf("got %v, want the refusal %q", err, message)
	}
}

// otherUserVariable makes the test binary TestHelperServeAsAnotherUser: it listens on the
// socket it inherits as file 3 and answers every run.
const otherUserVariable = "ASTERREF_TEST_OTHER_USER"

// fromAnotherUser is what the other user's listener answers.
const fromAnotherUser = `{"result": {"success": true, "stdout": "from another user's process\n", "exit_code": 0}}`

func TestHelperServeAsAnotherUser(t *testing.T) {
	if os.Getenv(otherUserVariable) == "" {
		return // only as the helper process
	}
	if err := syscall.Listen(3, 8); err != nil {
		t.Fatal(err)
	}
	listener, err := net.FileListener(os.NewFile(3, "run socket"))
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("listening\n")
	for {
		conn, err := listener.Accept()
		if err != nil {
			return
		}
		_, _ = bufio.NewReader(conn).ReadBytes('\n')
		_, _ = conn.Write([]byte(fromAnotherUser + "\n"))
		conn.Close()
	}
}

// SO_PEERCRED gives the user that called listen(2); to get another one, this test binary
// (root) binds the socket itself, then starts a copy of itself as nobody (uid 65534),
// which inherits the socket and listens on it. Without root it cannot, and skips.
func TestASocketAnotherUserListensOnIsNotUsed(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("listening as another user needs root")
	}
	runSocketDir(t)
	reference := recordingReference(t, `{"success": true, "stdout": "from aster-ref run\n", "exit_code": 0}`, "", 0)
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	socket := os.NewFile(uintptr(fd), "run socket")
	defer socket.Close()
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: SocketPath(fakeBridgeURL)}); err != nil {
		t.Fatal(err)
	}
	// nobody must be able to run the binary: go test keeps it in a directory of root's.
	helperDir := shortDir(t)
	if err := os.Chmod(helperDir, 0o755); err != nil {
		t.Fatal(err)
	}
	helper := filepath.Join(helperDir, "helper.test")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(helper, []byte(readFile(t, self)), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(helper, "-test.run=^TestHelperServeAsAnotherUser$")
	cmd.Dir = helperDir
	cmd.Env = append(os.Environ(), otherUserVariable+"=1")
	cmd.ExtraFiles = []*os.File{socket}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "listening\n" {
		t.Fatalf("the helper did not listen: %q %v", line, err)
	}
	// The socket answers (so the refusal below is the peer check's), but its peer is nobody.
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: SocketPath(fakeBridgeURL), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	if peerIsMe(conn) {
		t.Error("peerIsMe: true for a process of nobody's")
	}
	conn.Close()
	execution, err := Execute(context.Background(), Request{BridgeURL: fakeBridgeURL, Code: "print(1)"})
	if err != nil {
		t.Fatal(err)
	}
	if execution.Stdout != "from aster-ref run\n" {
		t.Errorf("stdout %q: the run went to another user's process", execution.Stdout)
	}
	if calls := readFile(t, filepath.Join(reference, "calls")); calls != "run --json --bridge-url "+fakeBridgeURL+" -\n" {
		t.Errorf("aster-ref calls: %q", calls)
	}
}

func TestCancellingWhileServeReadsNothingReturns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stuck.sock")
	listener, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	go func() {
		accepted, err := listener.Accept()
		if err == nil {
			defer accepted.Close()
			time.Sleep(time.Minute) // accepts, never reads: a stopped or stuck serve
		}
	}()
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	code := string(make([]byte, 8<<20)) // far more than the socket buffers hold
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := exchange(ctx, conn, &runRequest{Version: protocolVersion, Code: &code})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want the context's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not return after its context ended")
	}
}
