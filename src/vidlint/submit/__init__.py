"""`vidlint submit` / `vidlint status`: send a clean request, follow its task, download the result."""
