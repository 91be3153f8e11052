package asterref

// The run socket of a running `aster-ref serve` (aster_ref/runsocket.py documents the path
// and the protocol; aster_ref/runservice.py is the serve side): a run handed to it forks
// from serve's warm interpreter instead of starting aster-ref and Python cold.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// protocolVersion is the run socket protocol this client speaks (aster_ref.runsocket.PROTOCOL_VERSION).
const protocolVersion = 1

// CancelGrace bounds how long a cancelled run waits for serve to kill the code and delete
// its temp file (aster_ref.runsocket.CANCEL_GRACE).
const CancelGrace = 10 * time.Second

// RunSocketClosed is what Execute reports when serve goes away without answering
// (aster_ref.messages.RUN_SOCKET_CLOSED); the run is not retried, as the code may have run.
const RunSocketClosed = "Error: aster-ref serve closed the run socket without an answer"

// errRunSocketClosed is RunSocketClosed as an error.
var errRunSocketClosed = errors.New(RunSocketClosed)

// loopbackHosts are the bridge hosts a serve on this machine answers for (aster_ref.runsocket.LOOPBACK_HOSTS).
var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// SocketPath returns the run socket of the serve behind bridgeURL, or "" when the bridge is not
// on this machine: $XDG_RUNTIME_DIR/aster-ref/PORT.sock, or /tmp/aster-ref-UID/PORT.sock without
// XDG_RUNTIME_DIR (not os.TempDir: client and serve must agree whatever TMPDIR each has).
func SocketPath(bridgeURL string) string {
	parsed, err := url.Parse(bridgeURL)
	if err != nil || !slices.Contains(loopbackHosts, strings.ToLower(parsed.Hostname())) {
		return ""
	}
	port, err := strconv.ParseUint(parsed.Port(), 10, 16)
	if err != nil {
		return ""
	}
	dir := filepath.Join("/tmp", "aster-ref-"+strconv.Itoa(os.Getuid()))
	if runtimeDir := os.Getenv("XDG_RUNTIME_DIR"); runtimeDir != "" {
		dir = filepath.Join(runtimeDir, "aster-ref")
	}
	return filepath.Join(dir, strconv.FormatUint(port, 10)+".sock")
}

// dialRunSocket connects to the serve behind bridgeURL; nil when none of this user listens there.
func dialRunSocket(bridgeURL string) *net.UnixConn {
	path := SocketPath(bridgeURL)
	if path == "" {
		return nil
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil
	}
	// The directory's mode keeps other users out, unless it is theirs: never hand code to their process.
	if !peerIsMe(conn) {
		conn.Close()
		return nil
	}
	return conn
}

// runRequest is the one line a client sends; omitted fields take serve's defaults.
type runRequest struct {
	Version   int               `json:"version"`
	BridgeURL string            `json:"bridge_url"`
	Code      *string           `json:"code,omitempty"`
	Program   *string           `json:"program,omitempty"`
	Tools     []string          `json:"tools,omitempty"`
	Input     json.RawMessage   `json:"input,omitempty"`
	Token     string            `json:"token,omitempty"`
	Timeout   float64           `json:"timeout,omitempty"`
	MaxOutput int               `json:"max_output,omitempty"`
	WorkDir   string            `json:"work_dir,omitempty"`
	TempDir   string            `json:"temp_dir,omitempty"`
	Cwd       string            `json:"cwd,omitempty"`
	Env       map[string]string `json:"env"`
}

// runAnswer is the one line serve sends back: a result, a refusal, or the end of a cancelled run.
type runAnswer struct {
	Result    *Execution `json:"result"`
	Error     *string    `json:"error"`
	Cancelled bool       `json:"cancelled"`
}

// exchange sends request on conn and returns serve's answer. When ctx is done first, it shuts
// down its sending side (serve then kills the run and everything it started and deletes the
// temp file), waits up to CancelGrace for serve to confirm, and returns ctx.Err().
func exchange(ctx context.Context, conn *net.UnixConn, request *runRequest) (*Execution, error) {
	defer conn.Close()
	line, err := json.Marshal(request)
	if err != nil {
		return nil, err
	}
	// A serve that accepted but does not read (stopped, or busy) must not hold a cancelled run.
	stopWriting := context.AfterFunc(ctx, func() { _ = conn.SetWriteDeadline(time.Now()) })
	_, err = conn.Write(append(line, '\n'))
	stopWriting()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errRunSocketClosed
	}
	answers := make(chan *runAnswer, 1)
	go func() { answers <- readAnswer(conn) }()
	select {
	case answer := <-answers:
		return answer.execution()
	case <-ctx.Done():
	}
	_ = conn.CloseWrite()
	_ = conn.SetReadDeadline(time.Now().Add(CancelGrace))
	if answer := <-answers; answer != nil && answer.Result != nil {
		return answer.execution() // it finished before serve saw the cancel
	}
	return nil, ctx.Err()
}

// readAnswer reads serve's answer line; nil if serve closed the socket without one.
func readAnswer(conn net.Conn) *runAnswer {
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		return nil
	}
	var answer runAnswer
	if json.Unmarshal(line, &answer) != nil {
		return nil
	}
	return &answer
}

func (a *runAnswer) execution() (*Execution, error) {
	switch {
	case a == nil:
		return nil, errRunSocketClosed
	case a.Error != nil:
		return nil, &RefusedError{Message: *a.Error}
	case a.Result != nil:
		return a.Result, nil
	}
	return nil, errRunSocketClosed
}
