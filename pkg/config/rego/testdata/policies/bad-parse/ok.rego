package user.ok

deny contains "x" if { false }
