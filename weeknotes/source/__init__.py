"""Reading and validating the content folder: files -> records. Finds files, splits front
matter, validates each field with its line, renders Markdown bodies, loads settings and the
snapshots that network commands wrote, and keeps the parsed-record caches."""
