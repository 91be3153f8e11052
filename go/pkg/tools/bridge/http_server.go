package bridge

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"

	"github.com/astercloud/aster/internal/asterref"
)

// The lines upstream's server prints on standard output, word for word.
const (
	listeningFormat   = "HTTP Bridge Server listening on %s\n"
	serverErrorFormat = "HTTP Bridge Server error: %v\n"
)

// HTTPBridgeServer is the HTTP API that PTC code calls the bridge's tools through
// (GET /health, GET /tools/list, GET /tools/schema, POST /tools/call). It is a running
// `aster-ref serve` for the current working directory.
type HTTPBridgeServer struct {
	bridge *ToolBridge
	addr   string

	mu      sync.Mutex
	running *asterref.Server
}

// NewHTTPBridgeServer returns a server for bridge that will listen on addr ("host:port").
func NewHTTPBridgeServer(bridge *ToolBridge, addr string) *HTTPBridgeServer {
	return &HTTPBridgeServer{bridge: bridge, addr: addr}
}

// StartAsync starts the server and returns nil, as upstream's does: a server that cannot
// start (address taken or malformed) prints "HTTP Bridge Server error: ..." on standard
// output instead, after the "listening on" line upstream prints before it listens.
func (s *HTTPBridgeServer) StartAsync() error {
	fmt.Printf(listeningFormat, s.addr)
	if err := s.start(); err != nil {
		fmt.Printf(serverErrorFormat, err)
	}
	return nil
}

func (s *HTTPBridgeServer) start() error {
	// Bind as upstream's net/http server does first, so a busy or malformed address
	// fails with Go's own error ("listen tcp 127.0.0.1:8080: bind: address already in use").
	listener, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	listener.Close()
	if err := s.bridge.checkServable(); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(s.addr)
	if err != nil {
		return err
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	server, err := asterref.Serve(host, port, root)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.running = server
	s.mu.Unlock()
	return nil
}

// Shutdown stops the server; a server that is not running is left as it is.
func (s *HTTPBridgeServer) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	server := s.running
	s.running = nil
	s.mu.Unlock()
	if server == nil {
		return nil
	}
	return server.Stop(ctx)
}
