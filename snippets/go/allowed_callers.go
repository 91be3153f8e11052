// Template for "AllowedCallers 配置错误 / AllowedCallers": the block defines `toolSchema`.
// The template serves the tool with that schema, as the host hands schemas on
// (doctest.ServeSchemas: `aster-ref serve --schemas`), and runs code that calls it.
// Checks, with the block's own schema:
//   - with its AllowedCallers, code calls the tool and reads test.txt;
//   - with "code_execution_20250825" taken out of them, the same code is refused with
//     "Tool NAME is not allowed in code_execution context" (that caller is the fix).
package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools/bridge"
	"snippet/doctest"
)

const codeExecution = "code_execution_20250825"

func run(schema provider.ToolSchema) *bridge.ExecutionResult {
	url, stop := doctest.ServeSchemas(schema)
	defer stop()
	runtime := bridge.NewPythonRuntime(nil)
	runtime.SetBridgeURL(url)
	runtime.SetTools([]string{schema.Name})
	result, err := runtime.Execute(context.Background(), doctest.ReadCode, nil)
	doctest.Check(err, "Execute")
	return result
}

func main() {
	text := doctest.EnterWorkspace()

	// <snippet>

	if toolSchema.Name != "Read" {
		doctest.Fail("the template runs code that reads %s, so it needs the schema of Read, not %q",
			doctest.TestFile, toolSchema.Name)
	}
	fixed := run(toolSchema)
	if !fixed.Success {
		doctest.Fail("with AllowedCallers %q, code could not call Read: %s", toolSchema.AllowedCallers, fixed.Error)
	}
	doctest.ExpectContains(fixed.Stdout, strings.TrimSpace(text), "what the code printed")
	doctest.OK("with AllowedCallers %q, code called Read", toolSchema.AllowedCallers)

	without := toolSchema
	without.AllowedCallers = slices.DeleteFunc(slices.Clone(toolSchema.AllowedCallers),
		func(caller string) bool { return caller == codeExecution })
	refused := run(without)
	want := fmt.Sprintf(doctest.ToolNotAllowed, toolSchema.Name)
	if refused.Success {
		doctest.Fail("with AllowedCallers %q, code still called Read", without.AllowedCallers)
	}
	doctest.ExpectContains(refused.Error+refused.Stderr, want, "the error with AllowedCallers "+fmt.Sprint(without.AllowedCallers))
	doctest.OK("with AllowedCallers %q, code was refused: %s", without.AllowedCallers, want)
}
