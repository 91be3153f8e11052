// Template for "添加性能日志 / log the latency": the block times `tool.Execute` and logs it.
// Checks: the call returned test.txt's text; the block logged one line naming the tool
// and holding the latency it measured as Go prints a Duration, unit included ("12.3ms").
package main

import (
	"context"
	"log"
	"time"

	"github.com/astercloud/aster/pkg/tools"
	"github.com/astercloud/aster/pkg/tools/builtin"
	"snippet/doctest"
)

func main() {
	text := doctest.EnterWorkspace()
	ctx := context.Background()
	tool, err := builtin.NewReadTool(nil)
	doctest.Check(err, "NewReadTool")
	name := tool.Name()
	input := map[string]any{"path": doctest.TestFile}
	tc := &tools.ToolContext{}
	logged := doctest.CaptureLog()

	// <snippet>

	if result != text {
		doctest.Fail("%s returned %#v, want %q", name, result, text)
	}
	lines := logged.Lines()
	if len(lines) != 1 {
		doctest.Fail("the block logged %d lines, want one: %q", len(lines), logged.String())
	}
	doctest.ExpectContains(lines[0], name, "the latency log")
	doctest.ExpectContains(lines[0], latency.String(), "the latency log (the measured latency, with its unit)")
	doctest.OK("%s returned %s and the block logged its latency %v: %s", name, doctest.TestFile, latency, lines[0])
}

var _, _ = log.Printf, time.Now // the block logs and times with them
