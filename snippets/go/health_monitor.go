// Template for "监控配置 / monitoring": the block starts the health-check goroutine.
// Check: it builds and runs; the first check is 30 s away, so nothing dials before main returns.
package main

import (
	"log"
	"net/http"
	"time"

	"snippet/doctest"
)

func main() {
	// <snippet>

	doctest.OK("the health monitor goroutine started")
}
