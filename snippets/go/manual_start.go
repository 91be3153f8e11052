// doctest: needs free port 8080
// Template for "手动启动 / start it manually": the block creates `server`, starts it and
// polls /health until it answers. bridge and http are observers (doctest.Bridge,
// doctest.HTTP), so the template checks the block's own values:
//   - every URL the loop polls is the server's address, and the last poll was answered;
//   - that server serves this program's workspace (it is this program's bridge, not
//     another one on the port).
package main

import (
	"strings"
	"time"

	"github.com/astercloud/aster/pkg/tools"
	asterbridge "github.com/astercloud/aster/pkg/tools/bridge"
	"github.com/astercloud/aster/pkg/tools/builtin"
	"snippet/doctest"
)

var (
	bridge = &doctest.Bridge{}
	http   = doctest.NewHTTP()
)

func startServer(toolBridge *asterbridge.ToolBridge) {
	// <snippet>
}

func main() {
	text := doctest.EnterWorkspace()
	registry := tools.NewRegistry()
	builtin.RegisterAll(registry)
	startServer(asterbridge.NewToolBridge(registry))
	addr, server := bridge.Last("the block")
	defer doctest.Shutdown(server)
	urls, errs := http.Snapshot()
	if len(urls) == 0 {
		doctest.Fail("the block's loop made no health check")
	}
	for _, url := range urls {
		if doctest.HostPort(url) != doctest.HostPort(addr) {
			doctest.Fail("the block polls %s, but its server listens on %s", url, addr)
		}
	}
	if last := errs[len(errs)-1]; last != nil {
		doctest.Fail("the server on %s never answered %s: %v", addr, urls[0], last)
	}
	doctest.OK("the block polled %s %d time(s) until the server on %s answered", urls[0], len(urls), addr)

	doctest.ExpectContains(doctest.ReadThroughBridge("http://"+addr), strings.TrimSpace(text), "what the server read")
	doctest.OK("the server on %s serves this program's workspace", addr)
}

var _ = time.Sleep // the block waits with it
