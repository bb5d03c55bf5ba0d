"""The consent rule (audience.admits), written out as the whole table DESIGN.md implies."""

from __future__ import annotations

import itertools

import pytest

from weeknotes.model.audience import admits
from weeknotes.model.values import PUBLISH_LEVELS, VISIBILITIES, Audience, Author

AUDIENCES = {
    "public": Audience("public"),
    "public+drafts": Audience("public", drafts=True),
    "internal": Audience("internal"),
    "internal+drafts": Audience("internal", drafts=True),
}
# Which item visibilities, and which author `publish` levels, each build may show.
SHOWS_VISIBILITY = {
    "public": {"public", "unlisted"},
    "public+drafts": {"public", "unlisted", "draft"},
    "internal": {"public", "unlisted", "internal"},
    "internal+drafts": {"public", "unlisted", "internal", "draft"},
}
SHOWS_PUBLISH = {
    "public": {"public"},
    "public+drafts": {"public"},
    "internal": {"public", "internal"},
    "internal+drafts": {"public", "internal"},
}


def person(publish: str) -> Author:
    return Author(handle=f"p-{publish}", name=publish.title(), publish=publish)


@pytest.mark.parametrize(("audience", "visibility", "publish"),
                         list(itertools.product(AUDIENCES, VISIBILITIES, PUBLISH_LEVELS)))
def test_one_author(audience: str, visibility: str, publish: str) -> None:
    expected = visibility in SHOWS_VISIBILITY[audience] and publish in SHOWS_PUBLISH[audience]
    assert admits(AUDIENCES[audience], visibility, [person(publish)]) is expected


@pytest.mark.parametrize(("audience", "levels"),
                         list(itertools.product(AUDIENCES, itertools.combinations(PUBLISH_LEVELS, 2))))
def test_every_author_must_consent(audience: str, levels: tuple[str, str]) -> None:
    expected = all(level in SHOWS_PUBLISH[audience] for level in levels)
    assert admits(AUDIENCES[audience], "public", [person(level) for level in levels]) is expected


def test_a_record_without_authors_follows_its_visibility() -> None:
    # Standalone pages have no authors: only their visibility decides.
    assert admits(AUDIENCES["public"], "public", []) is True
    assert admits(AUDIENCES["public"], "internal", []) is False
    assert admits(AUDIENCES["internal"], "internal", []) is True
    assert admits(AUDIENCES["internal"], "draft", []) is False


def test_nobody_who_publishes_nowhere_is_ever_shown() -> None:
    assert not any(admits(a, v, [person("none")]) for a in AUDIENCES.values() for v in VISIBILITIES)
