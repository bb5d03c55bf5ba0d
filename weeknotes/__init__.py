"""weeknotes: a static site generator for communities that work out loud."""

__version__ = "0.1.0"
