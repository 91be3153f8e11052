// Template for "查看生成的 Python 代码 / see the generated code": used with
// patch=pkg/bridge/runtime.go, the block replaces PythonRuntime.Execute in a copy of the mirror.
// Checks: Execute logs the generated program (the SDK prelude and the code) and still runs it
// against the session bridge, printing what the bridge's Read returns for test.txt.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/astercloud/aster/pkg/bridge"
	"snippet/doctest"
)

// readThroughBridge asks the session bridge's /tools/call for test.txt, as a direct caller would.
func readThroughBridge() string {
	body, _ := json.Marshal(map[string]any{"tool": "Read", "input": map[string]any{"path": doctest.TestFile}})
	resp, err := http.Post(doctest.SessionBridgeURL+"/tools/call", "application/json", bytes.NewReader(body))
	doctest.Check(err, "POST /tools/call")
	defer resp.Body.Close()
	var answer struct {
		Success bool   `json:"success"`
		Result  string `json:"result"`
	}
	doctest.Check(json.NewDecoder(resp.Body).Decode(&answer), "decode /tools/call")
	if !answer.Success {
		doctest.Fail("the session bridge could not read %s", doctest.TestFile)
	}
	return answer.Result
}

func main() {
	logged := doctest.CaptureLog()
	runtime := bridge.NewPythonRuntime(nil)
	runtime.SetBridgeURL(doctest.SessionBridgeURL)
	result, err := runtime.Execute(context.Background(), doctest.ReadCode, nil)
	doctest.Check(err, "Execute")
	if !result.Success {
		doctest.Fail("the code failed: %s\n%s", result.Error, result.Stderr)
	}
	doctest.ExpectContains(logged.String(), "import aiohttp", "logged program (SDK prelude)")
	doctest.ExpectContains(logged.String(), doctest.ReadCode, "logged program (your code)")
	doctest.OK("Execute logged the generated program (%d bytes)", len(logged.String()))
	doctest.ExpectContains(result.Stdout, readThroughBridge(), "output of the code")
	doctest.OK("and ran it: the code printed %s as the bridge serves it", doctest.TestFile)
}
