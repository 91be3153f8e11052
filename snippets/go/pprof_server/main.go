// A pprof server on localhost:6060, as on the troubleshooting page, that keeps
// running: the page's `go tool pprof` commands profile it. Run it with
// `go run snippets/go/pprof_server/main.go`.
package main

import (
	"log"
	"net/http"
	_ "net/http/pprof"
)

func main() {
	log.Println(http.ListenAndServe("localhost:6060", nil))
}
