"""Request rules: one function per code, registered with :func:`registry.rule`."""
