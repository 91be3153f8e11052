// doctest: needs free port 9000
// Template for "修改端口 / change the port": the block points CodeExecute at a URL and
// creates `server` on an address. bridge is an observer (doctest.Bridge) and codeExec
// records the URLs it is given, so the template checks the block's own values:
//   - CodeExecute's URL and the server's address are the same host:port, not the
//     default localhost:8080;
//   - once the server is started, code run by CodeExecute reads this program's
//     workspace through it.
package main

import (
	"context"
	"strings"

	"github.com/astercloud/aster/pkg/tools"
	asterbridge "github.com/astercloud/aster/pkg/tools/bridge"
	"github.com/astercloud/aster/pkg/tools/builtin"
	"snippet/doctest"
)

// CodeExecuteTool is upstream's, recording the URLs SetBridgeURL is given.
type CodeExecuteTool struct {
	*builtin.CodeExecuteTool
	urls []string
}

func (t *CodeExecuteTool) SetBridgeURL(url string) {
	t.urls = append(t.urls, url)
	t.CodeExecuteTool.SetBridgeURL(url)
}

var bridge = &doctest.Bridge{}

func main() {
	text := doctest.EnterWorkspace()
	registry := tools.NewRegistry()
	builtin.RegisterAll(registry)
	toolBridge := asterbridge.NewToolBridge(registry)
	codeExec := &CodeExecuteTool{CodeExecuteTool: builtin.NewCodeExecuteToolWithBridge(toolBridge)}

	// <snippet>

	addr, _ := bridge.Last("the block")
	if len(codeExec.urls) == 0 {
		doctest.Fail("the block did not set CodeExecute's bridge URL")
	}
	url := codeExec.urls[len(codeExec.urls)-1]
	if doctest.HostPort(url) != doctest.HostPort(addr) {
		doctest.Fail("CodeExecute calls %s, but the server listens on %s", url, addr)
	}
	if doctest.HostPort(url) == doctest.HostPort(doctest.DefaultBridgeURL) {
		doctest.Fail("the block still uses the default %s", doctest.DefaultBridgeURL)
	}
	doctest.OK("CodeExecute's URL %s and the server's address %s agree, away from the default", url, addr)

	doctest.Check(server.StartAsync(), "start the server")
	defer doctest.Shutdown(server)
	result, err := codeExec.Execute(context.Background(),
		map[string]any{"language": "python", "code": doctest.ReadCode}, &tools.ToolContext{})
	doctest.Check(err, "CodeExecute")
	answer := result.(map[string]any)
	if answer["success"] != true {
		doctest.Fail("code run by CodeExecute failed: %v\n%v", answer["error"], answer["stderr"])
	}
	doctest.ExpectContains(answer["stdout"].(string), strings.TrimSpace(text), "what the code printed")
	doctest.OK("code run by CodeExecute read %s through the server on %s", doctest.TestFile, addr)
}
