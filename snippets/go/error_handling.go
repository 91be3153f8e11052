// Template for "错误处理 / error handling": the block calls `tool.Execute` and turns an error
// into a friendly answer. Checks, whatever the block's wording:
//   - a Read of a missing file returns (answer, nil): "success" false and an "error" text
//     that does not show the internal error, which the block logs with the input;
//   - a Read of test.txt returns its text.
package main

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/astercloud/aster/pkg/tools"
	"github.com/astercloud/aster/pkg/tools/builtin"
	"snippet/doctest"
)

func handle(ctx context.Context, tool tools.Tool, input map[string]any, tc *tools.ToolContext) (any, error) {
	// <snippet>
	return result, nil
}

func main() {
	text := doctest.EnterWorkspace()
	ctx := context.Background()
	tool, err := builtin.NewReadTool(nil)
	doctest.Check(err, "NewReadTool")
	tc := &tools.ToolContext{}
	logged := doctest.CaptureLog()

	const missing = "missing.txt"
	answer, err := handle(ctx, tool, map[string]any{"path": missing}, tc)
	doctest.Check(err, "the block's answer to a failed call")
	friendly, ok := answer.(map[string]any)
	if !ok || friendly["success"] != false {
		doctest.Fail("a failed Read answered %#v, want a map with \"success\": false", answer)
	}
	message, _ := friendly["error"].(string)
	internal := fmt.Sprintf(doctest.FileNotFound, missing)
	if message == "" || strings.Contains(message, internal) || strings.Contains(message, missing) {
		doctest.Fail("the answer's \"error\" is %q: want a friendly text, not the internal error", message)
	}
	doctest.ExpectContains(logged.String(), internal, "the log of the failed call")
	doctest.ExpectContains(logged.String(), missing, "the log of the failed call (its input)")
	doctest.OK("a failed Read was logged (%s) and answered %v", internal, answer)

	answer, err = handle(ctx, tool, map[string]any{"path": doctest.TestFile}, tc)
	doctest.Check(err, "the block's answer to a call that works")
	if answer != text {
		doctest.Fail("a Read of %s answered %#v", doctest.TestFile, answer)
	}
	doctest.OK("a Read that works answered the file's text")
}

var _ = log.Printf // the block logs with it
