"""The text part of the digest email: bodies' HTML as text a person reads in a mail client."""

from __future__ import annotations

from weeknotes.render.plain_text import html_to_text
from weeknotes.source.markdown import render_markdown


def test_blocks_lists_links_images_and_tables_read_as_text() -> None:
    html = """<h2>What happened</h2>
<ul>
<li>Ran the <em>first</em> open session on our <a href="https://example.org/lists">reading lists</a>.</li>
<li>Two things:
<ol><li>one</li><li>two, on a line long enough that it has to wrap before seventy-two columns end</li></ol>
</li>
</ul>
<p>Asking &quot;what are you stuck on?&quot; works.<br>A new line.</p>
<blockquote><p>Worth keeping.</p></blockquote>
<pre><code>def f():
    return 1
</code></pre>
<p><img src="https://example.org/c.png" alt="A chart"> and <a href="https://e.org/">https://e.org/</a></p>
<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>
<script>never()</script><p>After.</p>"""
    text = html_to_text(html, "  ")
    assert max(len(line) for line in text.split("\n")) == 72  # the indent counts
    assert text == """\
  What happened

  - Ran the first open session on our reading lists
    <https://example.org/lists>.
  - Two things:
    1. one
    2. two, on a line long enough that it has to wrap before seventy-two
       columns end

  Asking "what are you stuck on?" works.
  A new line.

  > Worth keeping.

      def f():
          return 1

  [A chart] and https://e.org/

  a | b
  1 | 2

  After."""


def test_no_address_is_broken_across_lines() -> None:
    url = "https://example.org/" + "a-very-long-path-segment/" * 4
    text = html_to_text(f'<p>{"word " * 12}<a href="{url}">here</a> {"more " * 12}</p>')
    assert any(f"<{url}>" in line for line in text.split("\n"))
    assert all(len(line) <= 72 or url in line for line in text.split("\n"))


def test_footnotes_from_markdown_read_as_numbered_notes() -> None:
    html = render_markdown("Said once.[^1]\n\n[^1]: The source, [here](https://example.org/s).\n", False, "n-x").html
    text = html_to_text(html)
    assert text.startswith("Said once.[1]\n")
    assert "1. The source, here <https://example.org/s>." in text
    assert "↩" not in text
