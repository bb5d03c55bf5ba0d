"""Writing the site: the build pipeline (load -> collect -> plan -> render -> commit), the
output-folder guard, staged writes swapped in whole, fingerprints of what each page was made
from, the search index, and the feed-id drift guard."""
