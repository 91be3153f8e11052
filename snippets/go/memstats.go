// Template for "内存占用过高 / memory": the block is file level (imports + func logMemStats).
// The template holds 32 MiB so the figures are far from 0. Checks: logMemStats logs one
// line with three figures in MB, which are Alloc, TotalAlloc and Sys in MiB as
// runtime.ReadMemStats gives them around the call (so a figure in another unit shows).
package main

import (
	"regexp"
	goruntime "runtime"
	"strconv"

	"snippet/doctest"
)

// <snippet>

var ballast []byte

func main() {
	ballast = make([]byte, 32<<20)
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	logged := doctest.CaptureLog()
	logMemStats()
	goruntime.ReadMemStats(&after)
	goruntime.KeepAlive(ballast)
	lines := logged.Lines()
	if len(lines) != 1 {
		doctest.Fail("logMemStats logged %d lines, want one: %q", len(lines), logged.String())
	}
	figures := regexp.MustCompile(`(\d+) MB\b`).FindAllStringSubmatch(lines[0], -1)
	if len(figures) != 3 {
		doctest.Fail("logMemStats logged %q, want three figures in MB", lines[0])
	}
	const mib = 1 << 20
	for i, stat := range []struct {
		name          string
		before, after uint64
	}{
		{"Alloc", before.Alloc, after.Alloc},
		{"TotalAlloc", before.TotalAlloc, after.TotalAlloc},
		{"Sys", before.Sys, after.Sys},
	} {
		logged, _ := strconv.ParseUint(figures[i][1], 10, 64)
		low, high := min(stat.before, stat.after)/mib, max(stat.before, stat.after)/mib
		if logged+1 < low || logged > high+1 {
			doctest.Fail("figure %d, %d MB, is not %s in MiB (%d..%d around the call)", i+1, logged, stat.name, low, high)
		}
	}
	doctest.OK("logMemStats logged Alloc, TotalAlloc and Sys in MiB: %s", lines[0])
}
