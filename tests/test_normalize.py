"""Normalization transforms: pure polars, tested on small frames."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.normalizing.normalize import normalize_stories
from transforms.reading.records import rows_to_frame


def _frame(*bodies: str, headline: str = "A headline", **extra) -> pl.DataFrame:
    rows = [{"source_format": "t", "raw_uri": f"x#{i}", "headline": headline, "body": b,
             "authors": [], "credits": [], "subjects": [], "keywords": [], **extra}
            for i, b in enumerate(bodies)]
    return rows_to_frame(rows)


def _norm(df: pl.DataFrame) -> list[dict]:
    return normalize_stories(df.lazy()).collect().to_dicts()


def test_signoff_with_all_roles():
    [row] = _norm(_frame(
        "LONDON (Reuters) - Prices rose 3% on Monday.\n\n"
        "Reporting by Ann Bee in Paris; Additional reporting by Cy Dee and Ed Eff; "
        "Writing by Gil Hay; Editing by Ian Jay and Kim Lee"))
    assert row["body"] == "Prices rose 3% on Monday."
    assert row["authors"] == ["Ann Bee", "Gil Hay"]
    assert row["credits"] == [
        {"name": "Ann Bee", "role": "reporting"},
        {"name": "Cy Dee", "role": "additional reporting"},
        {"name": "Ed Eff", "role": "additional reporting"},
        {"name": "Gil Hay", "role": "writing"},
        {"name": "Ian Jay", "role": "editing"},
        {"name": "Kim Lee", "role": "editing"},
    ]


def test_byline_from_the_source_wins_over_signoff_authors():
    [row] = _norm(_frame("Text.\n\nReporting by Ann Bee", authors=["Source Byline"]))
    assert row["authors"] == ["Source Byline"]
    # every author is a credit too: the source's byline with the role "byline"
    assert row["credits"] == [{"name": "Ann Bee", "role": "reporting"},
                              {"name": "Source Byline", "role": "byline"}]


def test_datelines():
    rows = _norm(_frame("UNITED NATIONS (Reuters) - One.", "ATLANTA (AP) _ Two.",
                        "BERLIN (dpa) - Three.", "ORLANDO, Fla. (Reuters) - Four.",
                        "No dateline here (Reuters) - five."))
    got = [(r["dateline_location"], r["dateline_agency"], r["body"]) for r in rows]
    assert got == [("UNITED NATIONS", "Reuters", "One."), ("ATLANTA", "AP", "Two."),
                   ("BERLIN", "dpa", "Three."), ("ORLANDO, Fla.", "Reuters", "Four."),
                   (None, None, "No dateline here (Reuters) - five.")]


def test_located_is_the_dateline_only_where_no_dateline_is_printed():
    # GlobeNewswire's NewsML-G2 ``located`` is the company's address; the release's text
    # prints where it was issued (07ac.xml): the printed one wins, ``located`` fills a gap.
    rows = _norm(_frame("SAN FRANCISCO, Dec. 03, 2019 (GLOBE NEWSWIRE) -- Zignal Labs named a CMO.",
                        "A transcript without a dateline.", _located="San Francisco, CA, USA"))
    got = [(r["dateline_location"], r["dateline_agency"], r["body"]) for r in rows]
    assert got == [("SAN FRANCISCO", "GLOBE NEWSWIRE", "Zignal Labs named a CMO."),
                   ("San Francisco, CA, USA", None, "A transcript without a dateline.")]
    assert "_located" not in rows[0]
    # a dateline the parser read from the file's own dateline field still comes first
    [row] = _norm(_frame("BERLIN (dpa) - Text.", dateline_location="Erfurt", _located="Thuringia"))
    assert row["dateline_location"] == "Erfurt"


def test_breakpoint_debris_removed():
    [row] = _norm(_frame("Body text.\n\n0 : 0\n  • narrow-browser-and-phone\n  • above-phone\n"))
    assert row["body"] == "Body text."


def test_a_body_of_only_boilerplate_keeps_its_text():
    # Found by the property test below (2026-12-07): "0 : 0" alone was emptied. A body
    # with story text left loses its boilerplate as before; one with nothing else keeps it.
    rows = _norm(_frame("0 : 0", "5 Min Read\n\n\n", "Text.\n\n0 : 0",
                        "By Jane Roe\n\nOur Standards: The Thomson Reuters Trust Principles."))
    assert [r["body"] for r in rows] == ["0 : 0", "5 Min Read", "Text.", "By Jane Roe"]


def test_entities_escaped_twice_are_undone_and_not_taken_for_lost_ampersands():
    # STT escapes its entities twice ("&amp;#39;"); AG's News lost the "&" ("doesn #39;t").
    # One unescape pass left "&#39;"/"&quot;" in the body (SOURCES.md itself, read as a
    # plain-text story, showed it), and the lost-"&" repair turned "&amp;#39;" into "&'".
    rows = _norm(_frame("Hän sanoi &amp;quot;ei&amp;quot; ja &amp;#39;kyllä&amp;#39;.",
                        "It doesn #39;t cost #36;5.", headline="&amp;quot;Ei&amp;quot;"))
    assert [r["body"] for r in rows] == ["Hän sanoi \"ei\" ja 'kyllä'.", "It doesn't cost $5."]
    assert rows[0]["headline"] == '"Ei"'


def test_story_id_is_stable_and_identifies_the_item():
    a = _norm(_frame("Same body.", "Same body.", "Other body."))
    assert a[0]["story_id"] == a[1]["story_id"] != a[2]["story_id"]
    b = _norm(_frame("Other body.", "Same body."))
    assert {r["story_id"] for r in a} == {r["story_id"] for r in b}
    with_guid = _norm(_frame("x", "y", guid="g1", provider="dpa", version="1"))
    assert with_guid[0]["story_id"] == with_guid[1]["story_id"]  # same guid and version


# Invariant: normalizing twice gives what normalizing once gave, and a
# non-empty body never becomes empty.
_words = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
                 min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(_words, min_size=1, max_size=6))
def test_normalize_is_idempotent_and_keeps_text(paragraphs):
    body = "\n\n".join(paragraphs)
    [once] = _norm(_frame(body))
    again_in = _frame(once["body"] or "", headline=once["headline"])
    again_in = again_in.with_columns(
        pl.lit(once["dateline_location"]).alias("dateline_location"),
        pl.lit(once["dateline_agency"]).alias("dateline_agency"))
    [twice] = _norm(again_in)
    if body.strip():
        assert once["body"], "a non-empty body became empty"
    assert twice["body"] == once["body"]
    assert twice["content_hash"] == once["content_hash"]
