"""Property tests of the normalization chain on generated wire-like stories.

Invariants (each test says which):
* normalizing a normalized story changes nothing;
* a non-empty body never becomes empty;
* no digit sequence of the story's text is lost or gained in the body, except
  inside removed boilerplate (a dateline's date moves to ``dateline_date``).
"""

from __future__ import annotations

import re
from collections import Counter

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import STORIES
from transforms.normalizing.normalize import normalize_stories
from transforms.reading.records import rows_to_frame

WORDS = ["oil", "prices", "rose", "the", "bank", "said", "on", "Monday", "shares", "fell",
         "percent", "government", "talks", "Müller", "café", "“quoted”", "U.S.", "e-mail"]
number = st.one_of(st.integers(0, 99999).map(str), st.decimals(0, 999, places=2).map(str),
                   st.integers(1, 99).map(lambda n: f"{n}%"))
sentence = st.lists(st.one_of(st.sampled_from(WORDS), number), min_size=3, max_size=14).map(
    lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
dateline = st.one_of(
    st.just(""),
    st.sampled_from(["LONDON (Reuters) - ", "ATLANTA (AP) _ ", "BERLIN (dpa) - ",
                     "ORLANDO, Fla. (Reuters) - ", "WASHINGTON, Feb 26 (Reuters) - ",
                     "(Bloomberg) -- ", "Reuters - "]))
byline = st.sampled_from(["", "By Ann Lee\n", "By JOHN DOE, Associated Press Writer\n"])
signoff = st.sampled_from(["", "\n\nReporting by Ann Lee; Editing by Bo Chan",
                           "\n\nReporting by Ann Lee in Paris\nAdditional reporting by Cy Dee"])
boilerplate = st.sampled_from(["", "Slideshow (3 Images)", " 5 Min Read ",
                               "\n\nOur Standards:The Thomson Reuters Trust Principles.",
                               "\n\n0 : 0\n  • narrow-browser-and-phone\n  • above-phone"])


@st.composite
def stories(draw):
    paras = draw(st.lists(paragraph, min_size=1, max_size=4))
    noise = draw(boilerplate)
    dl = draw(dateline)
    body = draw(byline) + dl + noise.strip(" \n") + " " + "\n\n".join(paras) + draw(signoff)
    if noise.startswith("\n"):
        body = body.replace(noise.strip(" \n") + " ", "") + noise
    return body, "\n".join(paras) + " " + dl


def _run(rows: list[dict]) -> list[dict]:
    return normalize_stories(rows_to_frame(rows).lazy()).collect().to_dicts()


def _row(body: str, headline: str = "UPDATE 1-Headline 7 here") -> dict:
    return {"source_format": "t", "raw_uri": "x#0", "headline": headline, "body": body,
            "authors": [], "credits": [], "subjects": [], "keywords": []}


def _digits(text: str | None) -> Counter:
    return Counter(re.findall(r"\d+", text or ""))


@settings(max_examples=200, deadline=None)
@given(stories())
def test_idempotent(story):
    # normalizing a normalized story changes nothing
    body, _ = story
    [once] = _run([_row(body)])
    schema = STORIES.polars_schema
    again = pl.DataFrame([once], schema={k: schema[k] for k in once if k in schema})
    [twice] = normalize_stories(again.lazy()).collect().to_dicts()
    for col in ["headline", "body", "authors", "credits", "dateline_location", "dateline_agency",
                "version_marker", "content_hash", "story_id", "word_count", "language"]:
        assert twice[col] == once[col], col


@settings(max_examples=200, deadline=None)
@given(stories())
def test_body_never_emptied_and_digits_kept(story):
    body, content = story
    [out] = _run([_row(body)])
    assert out["body"], "a non-empty body became empty"
    # digits of the content (paragraphs + dateline date) are all still there, and no new ones
    kept = _digits(out["body"]) + _digits(out["dateline_date"])
    assert kept == _digits(content)


def test_only_a_signoff_keeps_its_text():
    [out] = _run([_row("Reporting by Ann Lee; Editing by Bo Chan")])
    assert out["body"] == "Reporting by Ann Lee; Editing by Bo Chan"


def test_story_columns_are_complete():
    [out] = _run([_row("LONDON (Reuters) - Text 1.")])
    # the run adds ingested_at and run_id; dedup adds shared_boilerplate
    missing = set(STORIES.names) - set(out) - {"ingested_at", "run_id", "shared_boilerplate"}
    assert not missing
    assert pl.DataFrame([out]).height == 1
