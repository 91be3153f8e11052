// Template for "增加超时时间 / raise the timeout": the block makes `config` and `runtime`.
// time is the template's clock here (doctest.Clock): a second of the block lasts 1/20 s,
// so 60 * time.Second is 3 s. Checks, with the block's own value:
//   - its timeout is above upstream's default (bridge.DefaultRuntimeConfig().Timeout);
//   - code run by the block's runtime goes on past the default timeout (scaled alike)
//     and is stopped at the block's timeout with "execution timeout".
package main

import (
	"context"
	"fmt"
	"strings"
	stdtime "time"

	"github.com/astercloud/aster/pkg/tools/bridge"
	"snippet/doctest"
)

// second is how long a second of the block lasts: the default 30 s are 1.5 s, which leaves
// the code's interpreter 1.5 s to start in before the block's 60 s (3 s) run out.
const second = stdtime.Second / 20

var time = doctest.NewClock(second)

func scaled(d stdtime.Duration) stdtime.Duration { return d * second / stdtime.Second }

func unscaled(d stdtime.Duration) stdtime.Duration { return d * stdtime.Second / second }

func main() {
	// <snippet>

	timeout := config.Timeout
	defaultTimeout := bridge.DefaultRuntimeConfig().Timeout
	if unscaled(timeout) <= defaultTimeout {
		doctest.Fail("the block sets the timeout to %v, which does not raise upstream's default %v",
			unscaled(timeout), defaultTimeout)
	}
	const mark = "ran past the default timeout"
	code := fmt.Sprintf("import time\ntime.sleep(%g)\nprint(%q, flush=True)\ntime.sleep(%g)",
		scaled(defaultTimeout).Seconds(), mark, 10*timeout.Seconds())
	result, err := runtime.Execute(context.Background(), code, nil)
	doctest.Check(err, "Execute")
	if !strings.Contains(result.Stdout, mark) {
		doctest.Fail("the code was stopped before the default %v (scaled): %+v", defaultTimeout, result)
	}
	if result.Success || result.Error != doctest.ExecutionTimeout || result.Duration < timeout.Milliseconds() {
		doctest.Fail("code running on was not stopped at the block's %v with %q: %+v",
			unscaled(timeout), doctest.ExecutionTimeout, result)
	}
	doctest.OK("the block's runtime let code run past the default %v and stopped it at %v with %q (1 s = %v here)",
		defaultTimeout, unscaled(timeout), result.Error, second)
}
