"""Rendering the model: the theme (Jinja, catalogs, dates), feeds, list and digest pages,
plain text and email. Takes a `Site` and its plan, gives bytes; never touches the output folder."""
