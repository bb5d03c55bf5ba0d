"""Reading and validating the content folder: files -> records. Finds files (and warns about
posts it would leave out, layout.py), splits front matter, validates each field with its
line, renders Markdown bodies, loads settings and the snapshots that network commands
wrote, and keeps the parsed-record caches."""
