"""Rows and domain values -> protos, and the enum maps between protos and domain, one module per
resource of the contract: training_evidence (including the evidence body <-> canonical JSON mapping
that is hashed) and certificates."""
