module example.com/drydock/hello

go 1.21

require (
	example.com/drydock/greet v0.0.0
	golang.org/x/crypto v0.0.0-20200622213623-75b288015ac9
	golang.org/x/text v0.3.5
)

require golang.org/x/sys v0.0.0-20190412213103-97732733099d // indirect

replace example.com/drydock/greet => ./greet

replace golang.org/x/sys v0.0.0-20190412213103-97732733099d => golang.org/x/sys v0.1.0
