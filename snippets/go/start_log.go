// Template for "查看进程日志 / check the process log": the block starts `server` and logs a failure.
// Checks: a free port starts a healthy bridge and logs nothing; a busy port logs the reference's error.
package main

import (
	"log"
	"os"
	"strings"

	"github.com/astercloud/aster/pkg/bridge"
	"snippet/doctest"
)

func startAndLog(server *bridge.HTTPBridgeServer) {
	// <snippet>
}

func main() {
	root := doctest.NewWorkspace()
	defer os.RemoveAll(root)
	toolBridge := bridge.NewToolBridge(doctest.ReadRegistry(root))
	logged := doctest.CaptureLog()

	server := bridge.NewHTTPBridgeServer(toolBridge, "localhost:9000")
	startAndLog(server)
	doctest.ExpectHealthy("http://" + server.Addr())
	if logged.String() != "" {
		doctest.Fail("a bridge that started logged %q", logged.String())
	}
	doctest.OK("the bridge started on %s and nothing was logged", server.Addr())

	busy := bridge.NewHTTPBridgeServer(toolBridge, "localhost:9000")
	startAndLog(busy)
	doctest.ExpectContains(logged.String(), bridge.ErrStartFailed.Error(), "log of a second bridge on the busy port")
	doctest.OK("a second bridge on the busy port logged: %s", strings.SplitN(logged.String(), "\n", 2)[0])
	log.SetOutput(os.Stderr)
	doctest.Shutdown(server)
}
