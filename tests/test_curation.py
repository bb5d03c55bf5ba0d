"""URL identity for merged curations (curation.py): one URL however it is written."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from weeknotes.model.curation import normalize_url, quick_key, tracking_params

LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
# A host of its own that starts with "www." would lose it too: not a spelling of another host.
HOST = st.lists(LABEL, min_size=1, max_size=3).map(lambda labels: ".".join([*labels, "org"])).filter(
    lambda host: not host.startswith("www."))
SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~", min_size=1, max_size=8)
PATH = st.lists(SEGMENT, max_size=3).map(lambda parts: "/" + "/".join(parts))
PARAMS = st.lists(st.tuples(st.sampled_from(["q", "page", "id", "lang"]), LABEL), max_size=3, unique_by=lambda p: p[0])
TRACKING = st.lists(st.tuples(st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid", "UTM_Campaign"]), LABEL),
                    max_size=2)


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """One URL, and the same URL written another way that DESIGN.md says is the same."""
    host, path, params = draw(HOST), draw(PATH), draw(PARAMS)
    plain = f"https://{host}{path}" + (f"?{urlencode(params)}" if params else "")
    scheme = draw(st.sampled_from(["http", "https"]))
    port = draw(st.sampled_from(["", ":80" if scheme == "http" else ":443"]))
    shown_host = draw(st.sampled_from([host, host.upper(), "www." + host, "WWW." + host.title()]))
    shown_path = path if path == "/" or draw(st.booleans()) else path + "/"
    query = draw(st.permutations(params + draw(TRACKING)))
    fragment = draw(st.sampled_from(["", "#top", "#section-2"]))
    other = f"{scheme}://{shown_host}{port}{shown_path}" + (f"?{urlencode(query)}" if query else "") + fragment
    return plain, other


@given(spellings())
def test_a_url_written_another_way_is_the_same_url(pair: tuple[str, str]) -> None:
    plain, other = pair
    assert normalize_url(other) == normalize_url(plain)
    # The cheap prefilter must never tell two equal URLs apart (collect.py relies on it).
    assert quick_key(other) == quick_key(plain)


@given(HOST, PATH, SEGMENT)
def test_another_path_is_another_url(host: str, path: str, extra: str) -> None:
    longer = path.rstrip("/") + "/" + extra
    assert normalize_url(f"https://{host}{path}") != normalize_url(f"https://{host}{longer}")


def test_kept_parameters_and_other_ports_still_tell_urls_apart() -> None:
    assert normalize_url("https://example.org/a?id=1") != normalize_url("https://example.org/a?id=2")
    assert normalize_url("https://example.org:8443/a") != normalize_url("https://example.org/a")
    assert normalize_url("https://example.org/a?b=2&a=1") == "example.org/a?a=1&b=2"


def test_tracking_parameters_are_named_for_the_curator() -> None:
    assert tracking_params("https://example.org/?utm_source=x&id=3&fbclid=y") == ["utm_source", "fbclid"]
