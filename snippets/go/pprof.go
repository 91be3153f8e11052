// Template for "性能分析 / profiling": the block is file level (pprof import + func main).
// Check: it builds and runs; main returns at once, so the pprof server goroutine ends with it.
// The page's `go tool pprof` commands profile snippets/go/pprof_server instead, which keeps running.
package main

import (
	"log"
	"net/http"
)

// <snippet>
