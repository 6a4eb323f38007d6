"""convert layer of the assessment service: one module per resource."""
