// Template for "网络延迟 / network latency": the block sets CodeExecute's bridge URL to a
// local bridge (✅) and shows the remote one to avoid (❌). codeExec records the URLs it is
// given. Checks, with the block's own URLs:
//   - it sets two; a bridge answers /health at the first (on this machine: the session's);
//   - the second points at another machine.
package main

import (
	"github.com/astercloud/aster/pkg/tools"
	"github.com/astercloud/aster/pkg/tools/bridge"
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

func main() {
	codeExec := &CodeExecuteTool{CodeExecuteTool: builtin.NewCodeExecuteToolWithBridge(bridge.NewToolBridge(tools.NewRegistry()))}

	// <snippet>

	if len(codeExec.urls) != 2 {
		doctest.Fail("the block set %d bridge URLs, want two (the local one, then the remote one)", len(codeExec.urls))
	}
	local, remote := codeExec.urls[0], codeExec.urls[1]
	if !doctest.IsLoopback(local) || !doctest.Healthy(local) {
		doctest.Fail("no bridge on this machine answers at the recommended %s", local)
	}
	doctest.OK("a local bridge answers at the recommended %s", local)
	if doctest.IsLoopback(remote) {
		doctest.Fail("the URL shown to avoid, %s, is on this machine", remote)
	}
	doctest.OK("the URL to avoid, %s, points at another machine", remote)
}
