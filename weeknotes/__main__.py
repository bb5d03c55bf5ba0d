"""Allow `python -m weeknotes`."""

from weeknotes.commands.cli import run

run()
