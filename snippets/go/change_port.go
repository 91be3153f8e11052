// Template for "修改端口 / change the port": the block points CodeExecute at :9000 and creates `server` there.
// Checks: the server starts, CodeExecute's code reaches it and reads test.txt through it.
package main

import (
	"context"
	"os"

	"github.com/astercloud/aster/pkg/bridge"
	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
	"github.com/astercloud/aster/pkg/tools/builtin"
	"snippet/doctest"
)

func main() {
	root := doctest.NewWorkspace()
	defer os.RemoveAll(root)
	registry := doctest.ReadRegistry(root)
	toolBridge := bridge.NewToolBridge(registry)
	codeExec := builtin.NewCodeExecuteTool(registry)

	// <snippet>

	doctest.Check(server.StartAsync(), "start the bridge on "+server.Addr())
	if codeExec.BridgeURL() != "http://"+server.Addr() {
		doctest.Fail("CodeExecute calls %s but the bridge listens on %s", codeExec.BridgeURL(), server.Addr())
	}
	result, err := codeExec.Execute(context.Background(), map[string]any{"code": doctest.ReadCode},
		&tools.ToolContext{Caller: provider.CallerDirect})
	doctest.ExpectReadOutput(result, err, "CodeExecute through "+codeExec.BridgeURL())
	doctest.OK("code run by CodeExecute read %s through the bridge on %s", doctest.TestFile, server.Addr())
	doctest.Shutdown(server)
}
