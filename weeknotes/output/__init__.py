"""Writing the site: the build pipeline (load -> collect -> plan -> render -> commit), the
output-folder guard, staged writes put in place in one atomic exchange with a spare copy of
the site (spare.py), fingerprints of what each page was made from, the search index, the
feed-id drift guard, and `check --against`'s guard of the ids readers have seen in a
published build (id_guard.py)."""
