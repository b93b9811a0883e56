# A library package without deny: compiled, not evaluated.
package acme.lib

is_prod(obj) if obj.metadata.namespace == "prod"
