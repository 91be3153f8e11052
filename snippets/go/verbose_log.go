// Template for "启用详细日志 / detailed logging": the block is a whole program but for its
// package line. init runs the block's main itself, with the log captured, and checks
// that every line the block logs starts with the date, the time and the file:line of
// the log call ("2025/01/30 10:30:45 main.go:9: "), as the block's flags promise; then
// it exits, so main does not run twice.
package main

import (
	"os"
	"regexp"

	"snippet/doctest"
)

// <snippet>

func init() {
	logged := doctest.CaptureLog()
	main()
	lines := logged.Lines()
	if len(lines) == 0 {
		doctest.Fail("the block logged nothing, so its log format shows nowhere")
	}
	format := regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \S+:\d+: `)
	for _, line := range lines {
		if !format.MatchString(line) {
			doctest.Fail("logged %q, want date, time and file:line before the message", line)
		}
	}
	doctest.OK("every line logged carries date, time and file:line: %s", lines[0])
	os.Exit(0)
}
