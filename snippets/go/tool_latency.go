// Template for "添加性能日志 / log tool latency": the block times `tool.Execute` and logs it.
// Checks: the call returned test.txt and the logged latency is the measured one.
package main

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
	"snippet/doctest"
)

func main() {
	root := doctest.NewWorkspace()
	defer os.RemoveAll(root)
	ctx := context.Background()
	tool := tools.NewBuiltin("Read", root)
	name := tool.Name()
	input := map[string]any{"path": doctest.TestFile}
	tc := &tools.ToolContext{Caller: provider.CallerDirect}
	logged := doctest.CaptureLog()

	// <snippet>

	if result != doctest.TestText {
		doctest.Fail("Read returned %#v, want %q", result, doctest.TestText)
	}
	if latency <= 0 {
		doctest.Fail("latency %v", latency)
	}
	doctest.ExpectContains(logged.String(), latency.String(), "latency log")
	doctest.OK("%s returned %s and its latency %v was logged", name, doctest.TestFile, latency)
}

var _, _ = log.Printf, time.Now
