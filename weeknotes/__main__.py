"""Allow `python -m weeknotes`."""

from weeknotes.cli import main

raise SystemExit(main())
