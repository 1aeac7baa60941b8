"""The agency table (transforms/conventions.py) and what the normalizer does with it,
on synthetic text in each agency's forms (the real files are in tests/reference)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import polars as pl
import pytest

from transforms import conventions
from transforms.normalizing.normalize import normalize_stories
from transforms.reading.records import rows_to_frame


def _norm(*bodies: str, **extra) -> list[dict]:
    rows = [{"source_format": "t", "raw_uri": f"x#{i}", "headline": "A headline", "body": b,
             "authors": [], "credits": [], "subjects": [], "keywords": [], **extra}
            for i, b in enumerate(bodies)]
    return normalize_stories(rows_to_frame(rows).lazy()).collect().to_dicts()


def test_every_row_is_well_formed():
    names = [a.name for a in conventions.AGENCIES]
    assert len(names) == len(set(names))
    for agency in conventions.AGENCIES:
        assert agency.name == agency.name.lower()
        assert all(alias == alias.lower() for alias in agency.aliases)
        if agency.zone:
            ZoneInfo(agency.zone)  # a real IANA zone
    # an alias names one agency only
    seen: dict[str, str] = {}
    for agency in conventions.AGENCIES:
        for alias in agency.aliases:
            assert seen.setdefault(alias, agency.name) == agency.name, alias


def test_lookups():
    assert conventions.zone_for("ANSA") == "Europe/Rome"
    assert conventions.zone_for("scoop") == "Pacific/Auckland"  # an alias of BusinessDesk
    assert conventions.zone_for("reuters") is None and conventions.zone_for(None) is None
    assert conventions.slug_from_keyword("efe") and not conventions.slug_from_keyword("ap")
    assert conventions.ALIASES["sda-ats"] == "ats"


@pytest.mark.parametrize(("body", "location", "agency", "text"), [
    ("Tegucigalpa, Jan 2 (EFE).- Test body.", "Tegucigalpa", "EFE", "Test body."),
    ("Nueva Delhi, 21 ene (EFE).- Una pareja.", "Nueva Delhi", "EFE", "Una pareja."),
    ("SAITAMA, Japan, Dec. 9 Kyodo - Urawa Reds won.", "SAITAMA, Japan", "Kyodo", "Urawa Reds won."),
    ("ATHENS, April 4 ANA - Wages rose.", "ATHENS", "ANA", "Wages rose."),
    ("MELBOURNE, March 3 AAP - Preview of the round.", "MELBOURNE", "AAP", "Preview of the round."),
    ("Paris (ats afp) Les violences ont repris.", "Paris", "ats afp", "Les violences ont repris."),
    ("(ANSA) - ROMA, 1 LUG - TEST FROM XAWES", "ROMA", "ANSA", "TEST FROM XAWES"),
    ("København /ritzau/: En mand er løsladt.", "København", "ritzau", "En mand er løsladt."),
    ("CALGARY, Alberta, Dec.  03, 2019  (GLOBE NEWSWIRE) -- Arrow reports.", "CALGARY, Alberta",
     "GLOBE NEWSWIRE", "Arrow reports."),
    ("LONDON, Feb. 1, 2017 /PRNewswire/ --\n\nFour engineers won.", "LONDON", "PRNewswire", "Four engineers won."),
    # a notice before the dateline goes to ednote
    ("N i e u w bericht, vervangt: FNV alleen\n\nSan Mateo (ANP) - FNV kondigt acties aan.", "San Mateo", "ANP",
     "FNV kondigt acties aan."),
    # after a short teaser paragraph, with an agency of the table
    ("All amounts in US dollars\n\nBROOKFIELD, News, July 07, 2020 (GLOBE NEWSWIRE) -- Brookfield said.",
     "BROOKFIELD, News", "GLOBE NEWSWIRE", "All amounts in US dollars\n\nBrookfield said."),
])
def test_agency_dateline_forms(body, location, agency, text):
    [row] = _norm(body)
    assert (row["dateline_location"], row["dateline_agency"], row["body"]) == (location, agency, text)


def test_a_notice_before_the_dateline_is_the_ednote():
    [row] = _norm("N i e u w bericht, vervangt: FNV alleen\n\nUTRECHT (ANP) - FNV kondigt acties aan.")
    assert row["ednote"] == "N i e u w bericht, vervangt: FNV alleen"


def test_no_dateline_after_a_teaser_without_a_known_agency():
    [row] = _norm("A short teaser\n\n(Some words) - then text.")
    assert row["dateline_agency"] is None and row["body"] == "A short teaser\n\n(Some words) - then text."


def test_two_agencies_the_second_is_the_source():
    [row] = _norm("Paris (ats afp) Les violences ont repris.")
    assert (row["provider"], row["original_provider"]) == ("ats", "afp")


@pytest.mark.parametrize(("body", "text"), [
    ("Story text.\n\nasl/tib/pid/cac", "Story text."),
    ("Story text.\n\n==Kyodo", "Story text."),
    ("Story text.\n\n(SDA\\/sj)", "Story text."),
    ("Story text.\n\n(END)", "Story text."),
    ("Story text.\n\nreporter@agency.example", "Story text."),
    ("Story text.\n\n© ΑΠΕ-ΜΠΕ ΑΕ. Τα πνευματικά δικαιώματα ανήκουν στο ΑΠΕ-ΜΠΕ ΑΕ.", "Story text."),
    ("Story text ends with 500 ejemplares. EFE", "Story text ends with 500 ejemplares."),
    # a parenthesised agency mark glued to the last sentence (superdesk-ansa located.xml)
    ("Il sindaco ha parlato di \"vittime innocenti\".(ANSA).", "Il sindaco ha parlato di \"vittime innocenti\"."),
    ("Story text.(SDA/sj)", "Story text."),
    # a bare agency name glued to a sentence is the text's (U.S.EFE is no end mark)
    ("It was 500 ejemplares.EFE", "It was 500 ejemplares.EFE"),
    # a mark inside the text stays
    ("EFE said the count rose. It was 500.", "EFE said the count rose. It was 500."),
])
def test_end_marks(body, text):
    [row] = _norm(body)
    assert row["body"] == text


def test_placeholder_bylines_are_no_authors():
    [row] = _norm("By Jonathan Underhill\n\nThe receivers said.", authors=["Staff Reporter"])
    assert row["authors"] == ["Jonathan Underhill"]
    [row] = _norm("The receivers said.", authors=["Newsdesk"])
    assert row["authors"] == []


def test_an_affiliation_after_a_byline_is_no_author():
    rows = _norm("By Helen Maguire, dpa\n\nBritain could decide.",
                 "By Jane Roe and John Doe, The Wyoming Tribune Eagle\n\nCheyenne voted.")
    assert [r["authors"] for r in rows] == [["Helen Maguire"], ["Jane Roe", "John Doe"]]
    assert [r["body"] for r in rows] == ["Britain could decide.", "Cheyenne voted."]


def test_metadata_columns_pass_through_with_nulls_allowed():
    df = rows_to_frame([{"source_format": "t", "raw_uri": "x#0", "headline": "H", "body": "B.",
                         "genre": ["Current"], "ednote": "note", "abstract": "short", "place": ["NZ"],
                         "priority": 3, "category": ["i"]}])
    [row] = normalize_stories(df.lazy()).collect().to_dicts()
    assert {k: row[k] for k in ("genre", "ednote", "abstract", "place", "priority", "category")} == {
        "genre": ["Current"], "ednote": "note", "abstract": "short", "place": ["NZ"], "priority": 3,
        "category": ["i"]}
    assert df.schema["priority"] == pl.Int8
