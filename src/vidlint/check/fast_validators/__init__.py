"""Generated fast validators of the shipped schemas (see vidlint.check.fast_schema)."""
