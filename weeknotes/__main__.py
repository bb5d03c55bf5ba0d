"""Allow `python -m weeknotes`."""

from weeknotes.cli import run

run()
