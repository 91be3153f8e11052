// doctest: needs free port 6060
// Template for "性能分析 / profiling": the block is file level (the pprof import and func
// main). http is an observer (doctest.HTTP) so the template sees the address the block
// serves on. init runs the block's main, then checks that the pprof index answers at
// http://ADDRESS/debug/pprof/ (the import registered it), and exits.
// The page's `go tool pprof` commands profile snippets/go/pprof_server, which keeps running.
package main

import (
	"log"
	stdhttp "net/http"
	"os"
	"time"

	"snippet/doctest"
)

// <snippet>

var http = doctest.NewHTTP()

func init() {
	main()
	addr := http.WaitServed(20 * time.Second)
	index := "http://" + addr + "/debug/pprof/"
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := stdhttp.Get(index)
		if err != nil {
			if time.Now().After(deadline) {
				doctest.Fail("nothing answered at %s: %v", index, err)
			}
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != stdhttp.StatusOK {
			doctest.Fail("%s answered HTTP %d", index, resp.StatusCode)
		}
		doctest.OK("the block serves the pprof index at %s", index)
		os.Exit(0)
	}
}

var _ = log.Println // the block logs with it
