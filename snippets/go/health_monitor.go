// Template for "监控配置 / monitoring": the block starts the health-check goroutine.
// time and http are observers: the ticker is the template's (doctest.Clock: it ticks when
// the template says, whatever interval the block sets), and the first health check gets
// the real answer from the block's URL (the session bridge) while the second gets a 503,
// as from a bridge in trouble. Checks, with the block's own URL and interval:
//   - the loop body runs for each tick;
//   - the check against the healthy bridge logs nothing;
//   - the check answered 503 logs one line.
package main

import (
	"io"
	"log"
	stdhttp "net/http"
	"strings"
	stdtime "time"

	"snippet/doctest"
)

var (
	time = doctest.NewClock(stdtime.Second)
	http = doctest.NewHTTP()
)

func main() {
	logged := doctest.CaptureLog()
	linesBeforeSecondCheck := make(chan int, 1)
	http.Respond = func(call int, url string) (*stdhttp.Response, error) {
		switch call {
		case 1:
			return nil, nil // the real answer
		case 2:
			linesBeforeSecondCheck <- len(logged.Lines())
			return &stdhttp.Response{StatusCode: 503, Status: "503 Service Unavailable", Body: io.NopCloser(strings.NewReader(""))}, nil
		}
		select {} // the template has seen enough
	}

	// <snippet>

	const within = 20 * stdtime.Second
	time.Tick(within) // first check
	time.Tick(within) // taken once the first check is done: the second check
	time.Tick(within) // taken once the second check is done
	urls, errs := http.Snapshot()
	if errs[0] != nil {
		doctest.Fail("the first health check, %s, failed: %v", urls[0], errs[0])
	}
	if before := <-linesBeforeSecondCheck; before != 0 {
		doctest.Fail("the check against the healthy bridge at %s logged %q", urls[0], logged.String())
	}
	doctest.OK("every %v the block checks %s; the healthy bridge logged nothing", time.Intervals[0], urls[0])
	lines := logged.Lines()
	if len(lines) != 1 {
		doctest.Fail("the check answered 503 logged %d lines, want one: %q", len(lines), logged.String())
	}
	doctest.OK("the check answered 503 logged: %s", lines[0])
}

var _ = log.Printf // the block logs with it
