module github.com/astercloud/aster

// Upstream declares go 1.24 too.
go 1.24
