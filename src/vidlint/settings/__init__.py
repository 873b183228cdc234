"""The project's settings: configuration discovery and reading, suppressions, the baseline."""
