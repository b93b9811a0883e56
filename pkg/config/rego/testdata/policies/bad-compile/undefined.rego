package user.undefined

deny contains msg if {
	msg := no_such_function(input)
}
