// Command load is the bench's load client: it POSTs the same /tools/call body -n times with -c requests in
// flight over keep-alive connections and prints {"calls", "errors", "seconds"} as JSON.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "", "bridge URL, e.g. http://127.0.0.1:8080")
	calls := flag.Int("n", 2000, "calls in all")
	inFlight := flag.Int("c", 20, "calls in flight")
	body := flag.String("body", `{"tool": "Read", "input": {"path": "test.txt"}}`, "request body")
	flag.Parse()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *inFlight, MaxConnsPerHost: *inFlight}}
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	started := time.Now()
	for range *inFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(*calls) {
				response, err := client.Post(*url+"/tools/call", "application/json", bytes.NewBufferString(*body))
				if err != nil {
					failed.Add(1)
					continue
				}
				var answer struct {
					Success bool `json:"success"`
				}
				if json.NewDecoder(response.Body).Decode(&answer) != nil || !answer.Success {
					failed.Add(1)
				}
				io.Copy(io.Discard, response.Body)
				response.Body.Close()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(started).Seconds()
	if err := json.NewEncoder(os.Stdout).Encode(map[string]any{
		"calls": *calls, "errors": failed.Load(), "seconds": elapsed,
	}); err != nil {
		log.Fatal(err)
	}
}
