// Command server is the yardstick for the bench: a minimal Go net/http bridge with the reference's
// /tools/call semantics for Read (JSON in, {"success": true, "result": content} out, a tool error as
// {"success": false, "error": ...} with 200, paths confined to the root). With -log it logs a line per
// call on stderr, as upstream's bridge and aster-ref serve do.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

type callRequest struct {
	Tool  string         `json:"tool"`
	Input map[string]any `json:"input"`
}

func main() {
	root := flag.String("root", ".", "workspace")
	logCalls := flag.Bool("log", false, "log a line per call on stderr")
	flag.Parse()
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		log.Fatal(err)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /tools/call", func(w http.ResponseWriter, r *http.Request) {
		var req callRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
		if *logCalls {
			log.Printf("Calling tool %s with input %v", req.Tool, req.Input)
		}
		if req.Tool != "Read" {
			writeJSON(w, http.StatusNotFound, map[string]any{"success": false, "error": "unknown tool: " + req.Tool})
			return
		}
		content, err := read(absRoot, req.Input)
		if err != nil {
			writeJSON(w, http.StatusOK, map[string]any{"success": false, "error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "result": content})
	})
	fmt.Printf("listening on %s\n", listener.Addr())
	os.Stdout.Sync()
	log.Fatal(http.Serve(listener, mux))
}

func read(root string, input map[string]any) (string, error) {
	path, ok := input["path"].(string)
	if !ok {
		return "", errors.New("invalid input for Read: 'path' is required")
	}
	full := filepath.Join(root, filepath.Clean("/"+path))
	resolved, err := filepath.EvalSymlinks(full)
	if err == nil && resolved != root && !strings.HasPrefix(resolved, root+string(filepath.Separator)) {
		return "", fmt.Errorf("path escapes workspace root: %s", path)
	}
	data, err := os.ReadFile(full)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("file not found: %s", path)
	}
	if err != nil {
		return "", err
	}
	return string(data), nil
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
