// Package model holds drydock's data types: the inventory of an artifact and the
// report built from it. The JSON encoding of Report is drydock's stable protocol;
// every other output format renders it. model has no behaviour beyond small helpers
// and imports nothing from the rest of drydock.
package model
