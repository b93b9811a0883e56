module example.com/old

go 1.16

require (
	github.com/gin-gonic/gin v1.6.0
	golang.org/x/text v0.3.2 // indirect
)

replace github.com/gin-gonic/gin => github.com/gin-gonic/gin v1.6.3

exclude golang.org/x/text v0.3.1
