// Template for "启用详细日志 / verbose logging": the block is a whole program but for its package
// line. Check: it builds and runs (exit 0).
package main

// <snippet>
