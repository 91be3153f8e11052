module github.com/astercloud/aster

go 1.19
