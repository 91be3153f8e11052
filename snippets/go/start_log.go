// doctest: needs free port 8080
// Template for "查看进程日志 / look at the process log". The block creates `server` with
// bridge.NewHTTPBridgeServer, starts it, and asks /health, logging when that fails.
// bridge and http are observers here (doctest.Bridge, doctest.HTTP: the real packages
// underneath), so the template sees the address and the URL the block uses. Checks,
// with the block's own values:
//   - the URL it asks is the server's address;
//   - with that address free, the server starts, /health answers and nothing is logged;
//   - with the address taken by something else, StartAsync still returns nil but prints
//     "HTTP Bridge Server error: ..." on stdout, and the block logs one line.
package main

import (
	"log"
	"net"
	"os"

	"github.com/astercloud/aster/pkg/tools"
	asterbridge "github.com/astercloud/aster/pkg/tools/bridge"
	"github.com/astercloud/aster/pkg/tools/builtin"
	"snippet/doctest"
)

var (
	bridge = &doctest.Bridge{}
	http   = doctest.NewHTTP()
)

func startAndCheck(toolBridge *asterbridge.ToolBridge) {
	// <snippet>
}

func main() {
	doctest.EnterWorkspace()
	registry := tools.NewRegistry()
	builtin.RegisterAll(registry)
	toolBridge := asterbridge.NewToolBridge(registry)
	logged := doctest.CaptureLog()

	startAndCheck(toolBridge)
	addr, server := bridge.Last("the block")
	urls, errs := http.Snapshot()
	if len(urls) != 1 {
		doctest.Fail("the block requested %d URLs, want one health check", len(urls))
	}
	if doctest.HostPort(urls[0]) != doctest.HostPort(addr) {
		doctest.Fail("the block asks %s, but its server listens on %s", urls[0], addr)
	}
	if errs[0] != nil || len(logged.Lines()) != 0 {
		doctest.Fail("with %s free, the health check failed (%v) or the block logged %q", addr, errs[0], logged.String())
	}
	doctest.OK("with %s free, the server started, %s answered and nothing was logged", addr, urls[0])
	doctest.Shutdown(server)

	// Something that is no bridge takes the address: it accepts connections and closes them.
	taken, err := net.Listen("tcp", doctest.HostPort(addr))
	doctest.Check(err, "take "+addr)
	defer taken.Close()
	go func() {
		for {
			conn, err := taken.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
	stdout, stop := doctest.CaptureFile(&os.Stdout)
	startAndCheck(toolBridge)
	stop()
	doctest.ExpectContains(stdout.String(), doctest.ServerError, "what StartAsync printed with "+addr+" taken")
	if lines := logged.Lines(); len(lines) != 1 {
		doctest.Fail("with %s taken, the block logged %d lines, want one: %q", addr, len(lines), logged.String())
	}
	doctest.OK("with %s taken, StartAsync returned, printed %q on stdout, and the block logged: %s",
		addr, doctest.ServerError+"...", logged.Lines()[0])
}

var _ = log.Printf // the block logs with it
