"""Files for machines: sitemap.xml, robots.txt and the blogroll (OPML 2.0)."""

from __future__ import annotations

from weeknotes.model import urls
from weeknotes.model.plan import Output, paginate, sections
from weeknotes.model.urls import paginated, path_of
from weeknotes.model.values import Site
from weeknotes.render.feeds import item_updated


# xml.sax.saxutils's escape and quoteattr, the same characters in the same order: importing
# it loads urllib.request and ssl (15 ms of every build).
def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    return f"'{text}'" if "'" not in text else '"{}"'.format(text.replace('"', "&quot;"))


def sitemap(site: Site) -> bytes:
    """Every listed page; unlisted items and preview builds are never in it."""
    base = site.config.base_url
    entries: list[tuple[str, str]] = []
    entries += [(paginated("", p.number), "") for p in paginate(site.front, site.config.per_page, "")]
    for section, items in sections(site):
        entries += [(paginated(section, p.number), "") for p in paginate(items, site.config.per_page, section)]
    entries += [(path_of(i), item_updated(i).date().isoformat()) for i in site.listed if not i.is_blog]
    entries += [(path_of(p), "") for p in site.listed_pages]
    entries += [(urls.AUTHORS, "")] + [(path_of(a), "") for a in site.authors]
    entries += [(urls.TAGS, "")] + [(path_of(t), "") for t in site.tags]
    entries += [(urls.WEEKS, "")] + [(path_of(w), "") for w in site.weeks]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, lastmod in entries:
        extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{escape(base + path)}</loc>{extra}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(site: Site) -> bytes:
    if site.audience.is_preview:
        return b"# A preview or internal build: keep it out of every index.\nUser-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(site.config.base_url, urls.SITEMAP)}\n".encode()


def blogroll(site: Site) -> bytes:
    """OPML 2.0: the own feeds of the authors shown in this build, for a feed reader to import."""
    title = site.language.gettext("%(site)s: blogroll", site=site.config.title)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
             f"    <title>{escape(title)}</title>", "  </head>", "  <body>"]
    for author in site.authors:
        if author.feed:
            attrs = f"text={quoteattr(author.name)} title={quoteattr(author.name)} type=\"rss\" xmlUrl={quoteattr(author.feed)}"
            if author.url:
                attrs += f" htmlUrl={quoteattr(author.url)}"
            lines.append(f"    <outline {attrs}/>")
    lines += ["  </body>", "</opml>"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def index_outputs(site: Site) -> list[Output]:
    outputs = [Output(urls.ROBOTS, lambda: robots(site)), Output(urls.BLOGROLL, lambda: blogroll(site))]
    if not site.audience.is_preview:
        outputs.append(Output(urls.SITEMAP, lambda: sitemap(site)))
    return outputs
