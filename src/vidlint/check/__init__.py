"""Check: a request document -> diagnostics (schema, request rules, assets)."""
