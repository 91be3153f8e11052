// Template for "增加超时时间 / raise the timeout": the block creates `config` and `runtime`.
// Checks: the runtime uses 60 s and runs code; a 1 s runtime stops a 5 s sleep with "execution timeout".
package main

import (
	"context"
	"time"

	"github.com/astercloud/aster/pkg/bridge"
	"snippet/doctest"
)

func main() {
	// <snippet>

	if got := runtime.Config().Timeout; got != 60*time.Second || config.Timeout != got {
		doctest.Fail("runtime timeout is %v, want 60s", got)
	}
	result, err := runtime.Execute(context.Background(), "import time\ntime.sleep(0.1)\nprint('slept')", nil)
	doctest.Check(err, "execute")
	if !result.Success || result.Stdout != "slept\n" {
		doctest.Fail("a 0.1 s sleep under a 60 s timeout: %+v", result)
	}
	doctest.OK("the runtime uses a %v timeout and ran a 0.1 s sleep", runtime.Config().Timeout)

	short := bridge.NewPythonRuntime(&bridge.RuntimeConfig{Timeout: time.Second})
	result, err = short.Execute(context.Background(), "import time\ntime.sleep(5)", nil)
	doctest.Check(err, "execute")
	if result.Success || result.Error != doctest.ExecutionTimeout {
		doctest.Fail("a 5 s sleep under a 1 s timeout: %+v", result)
	}
	doctest.OK("a 5 s sleep under a 1 s timeout ended after %v with %q", result.Duration.Round(100*time.Millisecond), result.Error)
}
