"""Generators of the golden reference files under pipeline/src/test/resources/golden/refs: one module per area."""
