// Template for "错误处理 / error handling": the block calls `tool.Execute` and turns an error into
// a friendly answer. Checks: a Read of a missing file logs the reference's error and answers
// "Internal server error"; a Read of test.txt answers its text.
package main

import (
	"context"
	"log"
	"os"
	"reflect"

	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
	"snippet/doctest"
)

func handle(ctx context.Context, tool tools.Tool, input map[string]any, tc *tools.ToolContext) (any, error) {
	// <snippet>
	return result, nil
}

func main() {
	root := doctest.NewWorkspace()
	defer os.RemoveAll(root)
	ctx := context.Background()
	tool := tools.NewBuiltin("Read", root)
	tc := &tools.ToolContext{Caller: provider.CallerDirect}
	logged := doctest.CaptureLog()

	answer, err := handle(ctx, tool, map[string]any{"path": "missing.txt"}, tc)
	doctest.Check(err, "handle a missing file")
	friendly := map[string]any{"success": false, "error": "Internal server error"}
	if !reflect.DeepEqual(answer, friendly) {
		doctest.Fail("a missing file answered %#v, want %#v", answer, friendly)
	}
	doctest.ExpectContains(logged.String(), "file not found: missing.txt", "log of the failed call")
	doctest.OK("a failed Read was logged and answered %v", answer)

	answer, err = handle(ctx, tool, map[string]any{"path": doctest.TestFile}, tc)
	doctest.Check(err, "handle test.txt")
	if answer != doctest.TestText {
		doctest.Fail("Read of %s answered %#v", doctest.TestFile, answer)
	}
	doctest.OK("a successful Read answered the file's text")
}

var _ = log.Printf
