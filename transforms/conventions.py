"""Agency conventions as data: one row per agency or feed, reviewed like code.

Each :class:`Agency` says what wirelake needs to know about a provider that its
files do not say themselves:

* ``name`` and ``aliases``: the canonical short name and every way a file names
  the agency (lower case: names, phrases, domains);
* ``zone``: the IANA zone of the agency's zone-less timestamps;
* ``dateline_names``: how the agency signs a dateline, as written
  (``(EFE).-``, ``Kyodo -``, ``(ats afp)``, ``/ritzau/:``);
* ``end_marks``: regular expressions of what the agency puts after the last
  sentence (``EFE``, ``==Kyodo``, ``(SDA\\/sj)``, a copyright line);
* ``slug_from_keyword``: the agency files its slug as the one keyword;
* ``seen``: the corpus files that showed these rules (``superdesk-feed-fixtures``
  paths are relative to their fixtures folder).

Adding an agency is adding a row (and a fixture that shows it). The rest of the
code reads the derived tables below: :data:`ALIASES`, :func:`zone_for`,
:data:`DATELINE_AGENCIES`, :data:`END_MARK_ALTERNATIVES`, :data:`AFFILIATION` and
:data:`PLACEHOLDER_BYLINE`; nothing
else hard-codes an agency.

Dateline forms recognised (transforms/normalizing/dateline.py builds them from this table),
looked for in the first paragraphs of the text, after a bullet list, a notice
or a teaser line:

* ``CITY[, Region][, Mon D[, YYYY]] (AGENCY) -`` with ``-``, ``--``, ``_``, ``–``,
  ``—``, ``:`` or EFE's ``.-`` after it;
* ``CITY[, Region], Mon. D AGENCY -``: a known agency without parentheses
  (ANA, Kyodo, AAP);
* two agencies: ``(partner/agency)``, ``(ats afp)``: the second name is the source;
* ``(AGENCY) - CITY, D MON -``: agency first (ANSA);
* ``CITY /ritzau/:``: Ritzau's slashes;
* letter-spaced notices before it (``N i e u w bericht, vervangt: ...``, ANP): they
  are moved to ``ednote``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Agency:
    name: str
    aliases: tuple[str, ...] = ()
    zone: str | None = None
    dateline_names: tuple[str, ...] = ()
    end_marks: tuple[str, ...] = ()
    slug_from_keyword: bool = False
    seen: str = ""


# The copyright lines among the end marks (END_MARK_NEEDS): ANA-MPA's Greek or English one
# (superdesk-core ana1.xml), and one in any language ("© 2018 ANP ...", "(c) 2019 Agencia EFE",
# "Copyright 2020 ...").
ANA_COPYRIGHT = r"©\s*(?:ΑΠΕ-ΜΠΕ|ANA-MPA)[^\n]*"
COPYRIGHT_LINE = r"(?:©|\(c\)|Copyright\b|Telif|Urheberrecht)[^\n]{0,300}"

AGENCIES: tuple[Agency, ...] = (
    Agency("reuters", ("reuters", "thomson reuters", "reuters news"), None, ("Reuters",),
           seen="seed/, reuters21578/, superdesk-core tag_reuters.com_*"),
    Agency("ap", ("ap", "associated press", "the associated press"), None, ("AP",),
           seen="superdesk-core anpa-1.tst, ap_anpa-1.tst; superdesk-ntb ntb_newsml_g2.xml (FORT WASHINGTON, Pa. (AP) _)"),
    Agency("afp", ("afp", "agence france-presse", "agence france presse", "agence france"), None, ("AFP",),
           seen="superdesk-core afp.xml; superdesk-belga afp_belga.xml (desk initials asl/tib/pid/cac)"),
    Agency("dpa", ("dpa", "dpa-afx", "deutsche presse-agentur", "deutsche presse"), "Europe/Berlin", ("dpa",),
           seen="dpa-newsml-g2-2017/; superdesk-core IPTC7901.txt, dpa.xml; superdesk-belga dpa.txt"),
    Agency("aap", ("aap", "australian associated press"), "Australia/Sydney", ("AAP",),
           (r"AAP(?: [A-Z]{2,4})+(?: [a-z]{1,3})?",),
           seen="superdesk-core aap.xml; superdesk-aap AFL_FormGuide__*.tst (MELBOURNE, March 3 AAP -), "
                "bob_am_headlines.tst"),
    Agency("ansa", ("ansa",), "Europe/Rome", ("ANSA",), (r"\(ANSA\)\.?",),
           seen="superdesk-belga ansa_belga.xml (zone-less 2022-07-11 18:33); superdesk-ansa located.xml, "
                "culture.xml ((ANSA) - ROMA, 1 LUG -)"),
    Agency("ana", ("ana", "ana-mpa", "ana-mpe", "athens news agency", "athens-macedonian news agency"),
           "Europe/Athens", ("ANA", "ANA-MPA"),
           (ANA_COPYRIGHT,),
           seen="superdesk-core ana1.xml (ATHENS, April 4 ANA -; Greek copyright as last paragraph)"),
    Agency("anp", ("anp", "algemeen nederlands persbureau"), "Europe/Amsterdam", ("ANP",),
           seen="superdesk-belga anp_belga.xml (letter-spaced notice before San Mateo (ANP) -)"),
    Agency("ats", ("ats", "sda", "sda-ats", "keystone-sda", "keystone-ats"), "Europe/Zurich", ("ats", "sda"),
           (r"\((?:SDA|ATS)\s*\\?/\s*[a-z]{1,4}(?:\s*\\?/\s*[a-z]{1,4})*\)",),
           seen="superdesk-belga ats.txt (Paris (ats afp) Les ..., end mark (SDA\\/sj)), ats_newsml_1_2_belga.xml"),
    Agency("belga", ("belga",), "Europe/Brussels", ("BELGA", "Belga"),
           seen="superdesk-belga belga_newsml_1_2.xml, belga_remote_newsml_1_2.xml"),
    Agency("efe", ("efe", "agencia efe", "efeservicios"), "Europe/Madrid", ("EFE", "Efe"), (r"EFE",),
           slug_from_keyword=True,
           seen="superdesk-core efe_nitf.xml (Tegucigalpa, Jan 2 (EFE).-; slug as key-list keyword); "
                "superdesk-belga efe_belga.xml (Nueva Delhi, 21 ene (EFE).-; ... ejemplares. EFE)"),
    Agency("kyodo", ("kyodo", "kyodo news"), "Asia/Tokyo", ("Kyodo",), (r"==\s*Kyodo",),
           seen="superdesk-belga kyodo.txt (SAITAMA, Japan, Dec. 9 Kyodo -; ==Kyodo; KWS-21:37-09-12-18 is JST)"),
    Agency("stt", ("stt", "stt-lehtikuva"), "Europe/Helsinki", ("STT",),
           seen="superdesk-core stt_*.xml; superdesk-stt fixtures (zone-less versionCreated/contentModified)"),
    Agency("ritzau", ("ritzau", "rtz"), "Europe/Copenhagen", ("ritzau",), (r"/\s*ritzau\s*/",),
           seen="superdesk-core ritzau_news.xml; superdesk-ntb nitf_test.xml (København /ritzau/: ...; /ritzau/)"),
    Agency("ntb", ("ntb", "norsk telegrambyrå", "norsk telegrambyr"), "Europe/Oslo", ("NTB",),
           seen="superdesk-ntb nitf_test.xml, ntb_newsml_g2.xml"),
    Agency("solita", ("solita", "nordicir", "ntb info"), "Europe/Oslo", seen="superdesk-ntb solita_*.xml"),
    Agency("tt", ("tt", "tidningarnas telegrambyrå"), "Europe/Stockholm", ("TT",),
           seen="superdesk-ntb tt_newsml_test.xml"),
    Agency("businessdesk", ("businessdesk", "business desk", "scoop", "scoop media"), "Pacific/Auckland",
           seen="superdesk-core scoop.xml (BusinessDesk via Scoop, New Zealand, zone-less times)"),
    Agency("globenewswire", ("globenewswire", "globe newswire", "marketwired"), None, ("GLOBE NEWSWIRE",),
           seen="superdesk-cp globenewswire/*.xml (CALGARY, Alberta, Dec.  03, 2019  (GLOBE NEWSWIRE) --)"),
    Agency("businesswire", ("businesswire", "business wire"), None, ("BUSINESS WIRE",),
           seen="superdesk-cp businesswire/20210130005024r1.xml"),
    Agency("prnewswire", ("prnewswire", "pr newswire", "prnewswire-asianet", "asianet", "kyodo jbn-asianet"), None,
           ("PRNewswire", "PRNewswire-AsiaNet", "Kyodo JBN-AsiaNet", "Kyodo JBN", "AsiaNet"),
           seen="superdesk-aap asianet_*.tst (AUSTIN, Texas, Feb. 1, 2017 /PRNewswire-AsiaNet/ --)"),
    Agency("pa", ("pa", "press association", "pa media"), "Europe/London", ("PA",), seen="superdesk-core pa*.xml"),
    Agency("bloomberg", ("bloomberg",), None, ("Bloomberg",), seen="yahoo-finance-news-please/"),
    Agency("cp", ("cp", "canadian press", "the canadian press", "canadian_press"), "America/Toronto", ("CP",),
           seen="ag-news/"),
    Agency("wenn", ("wenn",), None, seen="superdesk-core wenn.xml"),
    Agency("bbc", ("bbc",), None, seen="superdesk-core bbc-ninjs-*.json"),
    Agency("tass", ("tass",), "Europe/Moscow", ("TASS",), seen="superdesk-belga (TASS test, fixture not shared)"),
    *(Agency(n, (n,)) for n in ("xinhua", "yonhap", "upi", "apa", "pti", "ians", "interfax", "anadolu", "cnn",
                                "marketwatch")),
)

# ---- end of story marks that are no agency's own ---------------------------------------------
# Checked on the last paragraph; each is removed when it stands there alone.
GENERIC_END_MARKS: tuple[str, ...] = (
    r"ends|ENDS|\(END\)|\(end\)|-+\s*END\s*-+|###|-0-|XXX",  # "(END)" Yonhap-style, "###" releases
    r"[a-z]{1,4}(?:\s*/\s*[a-z]{1,4}){1,6}",                   # desk and editor initials: asl/tib/pid/cac
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",                           # a reporter's e-mail line
    # copyright lines, any language: "© 2018 ANP ...", "(c) 2019 Agencia EFE", "Copyright 2020 ..."
    COPYRIGHT_LINE,
)

# Literals one of which an end mark needs, for the marks that are costly to look for: a mark
# with "[^\n]{0,300}" or "[^\n]*" is searched forward through the whole text, where the others
# are searched back from its end (issue 16: the copyright line took 13 of the 17 ms the end
# marks cost on 5,000 synthetic stories); a text without one of them skips that mark.
END_MARK_NEEDS: dict[str, tuple[str, ...]] = {
    COPYRIGHT_LINE: ("©", "(c)", "Copyright", "Telif", "Urheberrecht"),
    ANA_COPYRIGHT: ("©",),
}

# Names after a byline that are an affiliation, not an author: an agency of the table ("By
# Helen Maguire, dpa": superdesk-belga dpa.txt), a newspaper or broadcaster ("By Jane Roe, The
# Wyoming Tribune Eagle"), a job title ("AP Business Writer": seed/, superdesk-core anpa-1.tst).
AFFILIATION = (r"(?i)^the\s|\b(?:news|press|post|times|journal|herald|tribune|gazette|agency|daily|telegraph"
               r"|guardian|wire|media|newspaper|magazine|radio|television|tv|writers?|correspondents?"
               r"|reporters?|staff|editors?|contributors?)\b")


# Bylines that name no person: a desk, a placeholder, the agency itself. They are no author;
# a "By ..." line in the text may then give the real one (superdesk-core scoop.xml: <byline>
# "By Staff Reporter, BusinessDesk" and the text's "By Jonathan Underhill").
PLACEHOLDER_BYLINE = (r"(?i)^(?:by\s+)?(?:(?:our\s+)?staff(?:\s+(?:reporters?|writers?|correspondents?))?"
                      r"|(?:staff\s+)?reporters?|correspondents?|news\s*desk|editors?|the\s+editors"
                      r"|web\s*desk|agencies|wire\s+services?)$")


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for agency in AGENCIES:
        table[agency.name] = agency.name
        for alias in agency.aliases:
            table.setdefault(alias.lower(), agency.name)
    return table


ALIASES: dict[str, str] = _alias_table()
KNOWN: frozenset[str] = frozenset(a.name for a in AGENCIES)
_BY_NAME = {a.name: a for a in AGENCIES}


def agency(name: str | None) -> Agency | None:
    """The row of a canonical (or aliased) name."""
    if not name:
        return None
    return _BY_NAME.get(ALIASES.get(name.strip().lower(), name.strip().lower()))


def zone_for(provider: str | None) -> str | None:
    """IANA zone of a provider's zone-less times, when known."""
    row = agency(provider)
    return row.zone if row else None


def slug_from_keyword(provider: str | None) -> bool:
    row = agency(provider)
    return bool(row and row.slug_from_keyword)


# Every name an agency signs a dateline with, longest first (regex alternation).
DATELINE_AGENCIES: tuple[str, ...] = tuple(sorted(
    {n for a in AGENCIES for n in a.dateline_names}, key=len, reverse=True))
DATELINE_AGENCY_PATTERN = "|".join(re.escape(n) for n in DATELINE_AGENCIES)

# One pattern for an end mark: agency marks (EFE, ==Kyodo ...) and the generic ones.
END_MARK_ALTERNATIVES: tuple[str, ...] = tuple(
    m for a in AGENCIES for m in a.end_marks) + GENERIC_END_MARKS
