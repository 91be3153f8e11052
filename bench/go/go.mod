module asterbench

go 1.24
