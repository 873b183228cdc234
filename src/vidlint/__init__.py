"""vidlint: offline-first linter and preflight validator for AI video-generation requests."""

__version__ = "0.1.0"
