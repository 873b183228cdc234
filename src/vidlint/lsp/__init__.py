"""``vidlint lsp``: a Language Server (pygls, over stdio) for request files.

``server`` wires the protocol; ``ranges`` turns vidlint's diagnostics into LSP ones;
``hover`` documents a field from the request's model schema; ``fixes`` is where code actions
come from.
"""
