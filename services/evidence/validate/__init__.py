"""Requests -> typed inputs, one module per resource of the contract; every violation is collected
(shared.validation.Violations) and reported in one INVALID_ARGUMENT, before anything is stored.
Ids follow the one UUID rule: any case in, lower case out (and so in hashed and signed bytes)."""
