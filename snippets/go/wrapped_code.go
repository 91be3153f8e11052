// Template for "查看生成的 Python 代码 / see the generated code": used with
// patch=pkg/tools/bridge/runtime.go, the block goes into PythonRuntime.Execute right
// after the code is wrapped (the mirror wraps it when it is printed, and then runs that
// text). Checks: Execute prints the generated program (the SDK prelude and the code) on
// stdout or stderr, and still runs it against the session bridge: the code prints
// test.txt as the bridge serves it.
package main

import (
	"context"
	"os"

	"github.com/astercloud/aster/pkg/tools/bridge"
	"snippet/doctest"
)

func main() {
	runtime := bridge.NewPythonRuntime(nil)
	runtime.SetTools([]string{"Read"})
	runtime.SetBridgeURL(doctest.SessionBridgeURL())
	stdout, stopStdout := doctest.CaptureFile(&os.Stdout)
	stderr, stopStderr := doctest.CaptureFile(&os.Stderr)
	result, err := runtime.Execute(context.Background(), doctest.ReadCode, nil)
	stopStdout()
	stopStderr()
	doctest.Check(err, "Execute")
	printed := stdout.String() + stderr.String()
	doctest.ExpectContains(printed, "import aiohttp", "what Execute printed (the SDK prelude)")
	doctest.ExpectContains(printed, doctest.ReadCode, "what Execute printed (the code)")
	doctest.OK("Execute printed the generated program (%d bytes)", len(printed))
	if !result.Success {
		doctest.Fail("the code failed: %s\n%s", result.Error, result.Stderr)
	}
	doctest.ExpectContains(result.Stdout, doctest.ReadThroughBridge(doctest.SessionBridgeURL()), "what the code printed")
	doctest.OK("and ran it: the code printed %s as the session bridge serves it", doctest.TestFile)
}
