"""Leaves every stage may use: the error tree and the list of problems, the words shown to
people, languages, progress lines and the worker processes. Nothing here imports the rest."""
