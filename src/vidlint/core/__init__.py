"""The small core every other part imports: records, diagnostics, pointers, wording, paths
(atomic write, cache folder, lock), addresses, media types, globs, fingerprints. It imports
nothing of vidlint above it."""
