// Template for "网络延迟 / network latency": the block sets CodeExecute's bridge URL twice.
// Nothing dials; checks: both calls compile and the last URL set is the one CodeExecute uses.
package main

import (
	"github.com/astercloud/aster/pkg/tools"
	"github.com/astercloud/aster/pkg/tools/builtin"
	"snippet/doctest"
)

func main() {
	codeExec := builtin.NewCodeExecuteTool(tools.NewRegistry())

	// <snippet>

	if got := codeExec.BridgeURL(); got != "http://remote-server:8080" {
		doctest.Fail("CodeExecute bridge URL is %q after the block", got)
	}
	doctest.OK("SetBridgeURL took both URLs; CodeExecute now calls %s", codeExec.BridgeURL())
}
