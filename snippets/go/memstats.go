// Template for "内存占用过高 / memory": the block is file level (imports + func logMemStats).
// Checks: logMemStats logs the three figures in MB.
package main

import (
	"strings"

	"snippet/doctest"
)

// <snippet>

func main() {
	logged := doctest.CaptureLog()
	logMemStats()
	if n := strings.Count(logged.String(), " MB"); n != 3 {
		doctest.Fail("logMemStats logged %q, want three figures in MB", logged.String())
	}
	doctest.OK("logMemStats logged %s", strings.TrimSpace(logged.String()))
}
