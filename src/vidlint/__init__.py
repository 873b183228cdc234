"""vidlint: offline-first linter and preflight validator for AI video-generation requests."""

__version__ = "0.1.0"

# Where the project lives; the rules' documentation links and the schemas' $id are built on it.
PROJECT_URL = "https://github.com/vidlint/vidlint"
DOCS_URL = f"{PROJECT_URL}/blob/main/docs"
