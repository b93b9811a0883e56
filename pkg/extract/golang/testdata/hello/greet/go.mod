module example.com/drydock/greet

go 1.21
