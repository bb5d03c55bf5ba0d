"""The site model: frozen values (config, authors, items, weeks, the site), consent (who may
see what), curated-URL identity, every output path and URL, collecting records into a `Site`,
and the plan of outputs. Every decision about what is shown is made here, once; no I/O."""
