package user.broken

deny contains msg if {
	msg := "unterminated
}
