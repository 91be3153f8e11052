// Template for "资源限制 / resource limits": the block is file level (sem + executeWithLimit).
// Checks: 20 concurrent callers all get through; with all 10 slots taken an 11th waits until its
// context ends; once a slot frees, it gets through.
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
	if cap(sem) != 10 {
		doctest.Fail("the semaphore allows %d executions, want 10", cap(sem))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
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
	doctest.OK("20 concurrent calls went through")

	for i := 0; i < cap(sem); i++ {
		sem <- struct{}{} // ten executions in progress
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := executeWithLimit(ctx, "print(1)"); !errors.Is(err, context.DeadlineExceeded) {
		doctest.Fail("an 11th execution returned %v, want it to wait until its context ends", err)
	}
	doctest.OK("with 10 executions running, an 11th waited until its context ended")
	<-sem
	doctest.Check(executeWithLimit(context.Background(), "print(1)"), "execute once a slot is free")
	doctest.OK("once one finished, the next went through")
}
