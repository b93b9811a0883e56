require golang.org/x/text v0.3.5
