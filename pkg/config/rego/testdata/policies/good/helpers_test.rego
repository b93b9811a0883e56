package acme.k8s.no_latest_test

test_nothing if { true }
