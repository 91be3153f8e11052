// Template for "资源限制 / resource limits": the block is file level (sem and
// executeWithLimit). The limit is the block's: cap(sem). Checks:
//   - that many concurrent calls all get through, and free their slots again;
//   - with every slot taken, one more waits until its context ends (the ctx.Done branch);
//   - once a slot frees, the next call gets through (the semaphore branch).
package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"snippet/doctest"
)

// <snippet>

func main() {
	limit := cap(sem)
	if limit < 1 {
		doctest.Fail("the semaphore has room for %d executions", limit)
	}
	var wg sync.WaitGroup
	errs := make(chan error, limit)
	for range limit {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- executeWithLimit(context.Background(), "print(1)")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		doctest.Check(err, "executeWithLimit")
	}
	if len(sem) != 0 {
		doctest.Fail("after %d calls returned, %d slots are still taken", limit, len(sem))
	}
	doctest.OK("%d concurrent calls went through and freed their slots", limit)

	for range limit {
		sem <- struct{}{} // every slot taken
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := executeWithLimit(ctx, "print(1)"); !errors.Is(err, context.DeadlineExceeded) {
		doctest.Fail("with all %d slots taken, another call returned %v; want it to wait until its context ends", limit, err)
	}
	doctest.OK("with %d executions running, another one waited until its context ended", limit)
	<-sem
	doctest.Check(executeWithLimit(context.Background(), "print(1)"), "a call once a slot is free")
	doctest.OK("once a slot freed, the next call went through")
}
