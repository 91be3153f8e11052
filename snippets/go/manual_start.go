// doctest: needs free port 8080
// Template for "手动启动 / start it yourself": the block creates `server` on localhost:8080 and starts it.
// 8080 is the port the page names, so the doc-tests run this block while the session bridge is
// stopped (the runner refuses to run it otherwise). Checks: the bridge on 8080 is the one this
// program started (code reads this program's own workspace through it), then it shuts down.
package main

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/astercloud/aster/pkg/bridge"
	"snippet/doctest"
)

func startServer(toolBridge *bridge.ToolBridge) *bridge.HTTPBridgeServer {
	// <snippet>
	return server
}

func main() {
	root := doctest.NewWorkspace()
	defer os.RemoveAll(root)
	server := startServer(bridge.NewToolBridge(doctest.ReadRegistry(root)))
	doctest.ExpectHealthy("http://" + server.Addr())

	runtime := bridge.NewPythonRuntime(nil)
	result, err := runtime.Execute(context.Background(), doctest.ReadCode, nil)
	doctest.ExpectReadOutput(result, err, "code run against "+runtime.BridgeURL())
	doctest.OK("the bridge this program started on %s served its own workspace", server.Addr())
	doctest.Shutdown(server)
}

var _, _ = log.Printf, time.Second
