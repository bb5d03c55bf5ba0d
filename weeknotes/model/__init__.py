"""The site model: frozen values (config, authors, items, weeks, the site), consent (who may
see what), curated-URL identity, every output path and URL, collecting records into a `Site`,
the plan of outputs, and the links and images in bodies that nothing in the plan answers
(references.py). Every decision about what is shown is made here, once; no I/O."""
