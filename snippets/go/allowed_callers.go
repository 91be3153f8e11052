// Template for "AllowedCallers 配置错误 / AllowedCallers": the block defines `toolSchema`.
// Checks: with it, code run by CodeExecute reads test.txt; with only "direct", the same code
// is refused with "Tool Read is not allowed in code_execution context" (so the fix matters).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/astercloud/aster/pkg/bridge"
	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
	"github.com/astercloud/aster/pkg/tools/builtin"
	"snippet/doctest"
)

// runWith serves Read with schema on localhost:9000 and runs the Read code through CodeExecute.
func runWith(root string, schema provider.ToolSchema) *bridge.ExecutionResult {
	registry := tools.NewRegistry()
	doctest.Check(registry.Register(tools.WithSchema(tools.NewBuiltin("Read", root), schema)), "register Read")
	codeExec := builtin.NewCodeExecuteTool(registry)
	doctest.Check(registry.Register(codeExec), "register CodeExecute")
	server := bridge.NewHTTPBridgeServer(bridge.NewToolBridge(registry), "localhost:9000")
	doctest.Check(server.StartAsync(), "start the bridge")
	defer doctest.Shutdown(server)
	codeExec.SetBridgeURL("http://" + server.Addr())
	result, err := codeExec.Execute(context.Background(), map[string]any{"code": doctest.ReadCode},
		&tools.ToolContext{Caller: provider.CallerDirect})
	doctest.Check(err, "CodeExecute")
	return result.(*bridge.ExecutionResult)
}

func main() {
	root := doctest.NewWorkspace()
	defer os.RemoveAll(root)

	// <snippet>

	doctest.ExpectReadOutput(runWith(root, toolSchema), nil, "Read with the fixed AllowedCallers")
	doctest.OK("with AllowedCallers %v, code called Read", toolSchema.AllowedCallers)

	directOnly := toolSchema
	directOnly.AllowedCallers = []string{provider.CallerDirect}
	refused := runWith(root, directOnly)
	want := fmt.Sprintf(doctest.ToolNotAllowed, "Read")
	if refused.Success {
		doctest.Fail("with AllowedCallers [direct], code still called Read")
	}
	doctest.ExpectContains(refused.Error+refused.Stderr, want, "error with AllowedCallers [direct]")
	doctest.OK("with AllowedCallers [direct], code was refused: %s", want)
}
