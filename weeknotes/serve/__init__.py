"""`weeknotes serve`: watching the content folder, rebuilding on save, the local HTTP server
and live reload. Kept out of the pipeline; it drives `output.build` with its warm state."""
