"""Superdesk's own parser tests, as data: what they assert on the shared fixtures.

Each :class:`Case` is one assertion of a Superdesk test on a file of
``../shared/corpora/superdesk-feed-fixtures/`` (same sub-path as in the
Superdesk repository), mapped onto a wirelake column. The expected values are
Superdesk's (facts about the files); the comparison fits the field (see
``tests/reference/test_superdesk_reference.py``). ``src`` names the Superdesk
test it came from: ``<repo key>:<test file>::<TestCase>.<test>`` (repository in
``SOURCES``), as read from the search index's copy of that file, which is not
always the fixture commit of ../shared/corpora/SOURCES.md: where the fixture was
edited since, the row says ``fixture_changed``.

Where wirelake deliberately differs, the row carries a :class:`Differs` with its
kind and reason, and what wirelake gives instead (``ours``, checked too, so a
difference cannot drift unnoticed). docs/normalization.md lists the kinds.

Fields: wirelake column names, plus ``item`` (the file's item at ``index`` is a
``story`` or ``skipped:<kind>``) and ``stories`` (stories in the file).
"""

from __future__ import annotations

from dataclasses import dataclass

# Superdesk repository of each source key.
SOURCES = {
    "core": "superdesk/superdesk-core",
    "aap": "superdesk/superdesk-aap",
    "belga": "superdesk/superdesk-belga",
    "ntb": "superdesk/superdesk-ntb",
    "cp": "superdesk/superdesk-cp",
    "ansa": "superdesk/superdesk-ansa",
}

# Kinds of reasoned differences (docs/normalization.md, "Superdesk reference").
HOUSE_RULE = "house_rule"            # a Superdesk or plugin convention wirelake does not follow
WIRELAKE_RULE = "wirelake_rule"      # wirelake normalizes on purpose (dateline/sign-off out of the body ...)
SUPERDESK_WRONG = "superdesk_wrong"  # the asserted value is not what the file says
FIXTURE_CHANGED = "fixture_changed"  # the fixture was edited after the test was written
NOT_A_STORY = "not_a_story"          # Superdesk makes an item of what wirelake skips (pictures, events)
KINDS = (HOUSE_RULE, WIRELAKE_RULE, SUPERDESK_WRONG, FIXTURE_CHANGED, NOT_A_STORY)


@dataclass(frozen=True)
class Differs:
    kind: str
    reason: str
    ours: object = None  # what wirelake gives instead (compared the same way); None: not checked


@dataclass(frozen=True)
class Case:
    path: str      # under superdesk-feed-fixtures/
    field: str
    how: str       # comparison, see test_superdesk_reference.COMPARE
    expected: object
    src: str
    index: int = 0
    differs: Differs | None = None

    @property
    def id(self) -> str:
        return f"{self.path.rsplit('/', 1)[-1]}#{self.index}:{self.field}:{self.how}"


CORE = "superdesk-core/tests/io/fixtures/"
AAP = "superdesk-aap/server/aap/tests/io/fixtures/"
BELGA = "superdesk-belga/server/tests/io/fixtures/"
NTB = "superdesk-ntb/server/ntb/tests/io/fixtures/"
CP = "superdesk-cp/server/tests/ingest/parser/fixtures/"
ANSA = "superdesk-ansa/server/ansa/parser/"

CASES: list[Case] = []


def rows(path: str, src: str, *checks: tuple, index: int = 0) -> None:
    """Add one case per ``(field, how, expected[, Differs])``."""
    for check in checks:
        field, how, expected, *rest = check
        CASES.append(Case(path, field, how, expected, src, index, rest[0] if rest else None))


# Reasons used more than once.
DATELINE_OUT = ("wirelake moves the leading dateline out of the body into dateline_location/"
                "dateline_agency; Superdesk keeps it in body_html")
EDITOR_NOTE_OUT = "wirelake removes the opening editors' note '(Adds ...)' from the body (boilerplate)"
HEADLINE_PREFIX = "wirelake splits a Reuters desk prefix ('PRECIOUS-') off the headline into desk"
EQUALS_MARK = "the generic IPTC 7901 parser keeps the '=' line end of the wire headline; it is framing"
GUID_WITH_VERSION = "wirelake keeps the version in its own column; the guid is the item's, without ':<version>'"
BELGA_GUID = "Belga's parser makes its own guid; wirelake keeps the source's identifier"
BELGA_NO_SLUG = "Belga's plugin blanks slugline/keywords and files them elsewhere (keyword_line); wirelake keeps them"
STT_TRANSLATED = "STT's machine-translation marker '*** TRANSLATED ***' is kept as the source gives it"
SOURCE_LANG = "wirelake keeps the language the file declares; CP sets its own en-CA/fr-CA"
NINJS_SUBJECT_NAMES = "wirelake keeps ninjs subjects by name where the item names them; Superdesk by code"
DATE_SOURCE_OUT = ("'Jan 3 (OPTA) -' is a dateline (date and source): wirelake moves it to dateline_date/"
                   "dateline_agency like any other")
SUBJECT_LEVELS = ("Superdesk keeps only the subject and matter levels of an IPTC refnum (02000000, 02003000); "
                  "wirelake keeps the file's detail codes (02003001, 02003002)")
HEADLINE_FROM_BODY = ("Superdesk makes up a headline from the body when the file has none; "
                      "wirelake leaves headline null")
RITZAU_BYLINE = ("the file's <byLine> is 'Peder Top Poulsen'; '/ritzau/' is the agency's signature at the end "
                 "of the text, not the byline")

LEAD_KEPT = ("the lead (ingress) is the story's first paragraph: wirelake keeps it in the body and also "
             "files it as abstract; Superdesk moves it out of the body")

# ---- superdesk-core ------------------------------------------------------------------------
S = "core:tests/io/feed_parsers/efe_nitf_tests.py::EFENITFTestCase.test_item"
rows(CORE + "efe_nitf.xml", S,
     ("headline", "eq", "Honduran president announces Cabinet changes"),
     ("authors", "names", []),
     ("dateline_location", "city", "Tegucigalpa"),
     ("subjects", "has", "11006005"),
     ("slug", "eq", "HONDURAS GOVERNMENT"))

S = "core:tests/io/feed_parsers/ana_mpe_nitf_test.py::TestANACase.test_headline"
rows(CORE + "ana1.xml", S,
     ("headline", "eq", "Wage employment balance positive in Jan-March"),
     ("subjects", "has", "04008004"),
     ("dateline_location", "city", "ATHENS"),
     ("dateline_agency", "agency", "ANA", Differs(HOUSE_RULE, "Superdesk composes 'ATHENS, April 4 ANA -' from the "
                                                 "metadata city, the date and the provider; the text has no dateline",
                                                 None)),
     ("body", "starts", "Wage employment"),
     ("body", "ends", "job positions."))

S = "core:tests/io/feed_parsers/scoop_parser_test.py::ScoopTestCase.test_content"
rows(CORE + "scoop.xml", S,  # item 0 of the file is its packageItem, item 1 the story
     ("headline", "eq", "Dick Smith receivers install Don Grover as acting CEO as Abboud quits; retailer put up for sale"),
     ("guid", "eq", "BD-20160112123540:3", Differs(WIRELAKE_RULE, GUID_WITH_VERSION, "BD-20160112123540")),
     ("version", "eq", "3"),
     ("priority", "eq", 6, Differs(HOUSE_RULE, "Superdesk maps BusinessDesk's header priority 5 to its own 6", 5)),
     ("urgency", "eq", 3, Differs(HOUSE_RULE, "Superdesk maps BusinessDesk's urgency 5 to its own 3", 5)),
     ("published_at", "utc", "2016-01-11T23:35:40+00:00"),
     ("body", "starts", "The receivers of Dick Smith Holdings"),
     ("authors", "names", ["Jonathan Underhill"]),
     ("dateline_location", "city", "Wellington",
      Differs(HOUSE_RULE, "the text's dateline is 'Jan. 12 (BusinessDesk) -' with no place: Superdesk fills in "
                          "BusinessDesk's home town", None)),
     ("dateline_agency", "agency", "BusinessDesk"),
     ("place", "has", "NZ", Differs(HOUSE_RULE, "Superdesk adds its locator 'NZ' from its vocabulary; the file has "
                                    "no place", None)), index=1)

S = "core:tests/io/feed_parsers/stt_newsml_test.py::STTTestCase"
rows(CORE + "stt_newsml_test.xml", S,
     ("headline", "eq", "Parliament passed the Alcohol Act and the government gained confidence*** TRANSLATED ***"),
     ("guid", "eq", "urn:newsml:stt.fi:20171219:101801633:4",
      Differs(WIRELAKE_RULE, GUID_WITH_VERSION, "urn:newsml:stt.fi:20171219:101801633")),
     ("published_at", "utc", "2017-12-19T10:33:04+02:00"),
     ("body", "starts", "*** DISCLAIMER: THIS IS AN AUTOMATED TRANSLATION FROM FINNISH *** Also the unemployment law"),
     ("body", "contains", "Parliament also voted on the government's confidence."),
     ("body", "ends", "Siksi SDP tulee muuttamaan aktiivimallin, Rinne sanoi tiedotteessaan heti äänestyksen jälkeen."),
     ("subjects", "has", "sttdepartment:9"),
     ("genre", "has", "Pika+"),  # Superdesk files STT's version genre under subject (scheme sttversion)
     ("genre", "has", "Pääjuttu"))
rows(CORE + "stt_newsml_location_test.xml", "core:tests/io/feed_parsers/stt_newsml_test.py::STTLocationTestCase",
     ("place", "has", "Tallinna"), ("place", "has", "Viro"), ("place", "has", "Suomi"))
rows(CORE + "stt_newsml_location_rich.xml", "core:tests/io/feed_parsers/stt_newsml_test.py::STTRichLocationTestCase",
     ("place", "has", "Myanmar"))
rows(CORE + "stt_newsml_test_no_hl.xml", "core:tests/io/feed_parsers/stt_newsml_test.py::STTNoHLTestCase",
     ("headline", "eq", "*** DISCLAIMER: THIS IS AN AUTOMATED TRANSLATION FROM FINNISH ***\n\nAlso the unemployment law went th",
      Differs(HOUSE_RULE, HEADLINE_FROM_BODY, None)))
rows(CORE + "stt_newsml_abstract_test.xml", "core:tests/io/feed_parsers/stt_newsml_test.py::STTAbstractTestCase",
     ("abstract", "text", "Hjallis Harkimo ja Mikael Jungner ovat perustamassa uutta poliittista liikettä perinteisiä "
                          "puolueita haastamaan, uutisoi Helsingin Sanomat."),
     ("subjects", "has", "sttdepartment:9"),
     ("subjects", "has", "11009000"),
     ("subjects", "has", "11010992"))
rows(CORE + "stt_newsml_note_test.xml", "core:tests/io/feed_parsers/stt_newsml_test.py::STTNoteTestCase",
     ("ednote", "text", "Korjattu aiempaa uutista: Ylen juttu perustuu Puolustusvoimissa merkittävässä asemassa "
                        "olevaan lähteeseen, ei puolustusministeriössä kuten aiemmin kerroimme."),
     ("ednote", "lacks", "2. väliotsikon jälkeen"),  # sttnote:private is Superdesk's extra, never published
     ("authors", "names", ["Antti Autio", "Heta Hassinen"]))
rows(CORE + "stt_archive_newsml_test.xml", "core:tests/io/feed_parsers/stt_newsml_test.py::STTArchiveTestCase",
     ("published_at", "utc", "2013-02-16T15:36:20+00:00"),
     # versionCreated is empty: contentModified (18:36:20 Helsinki) is the version time; Superdesk's
     # 16:36:20 is its first-publish time plus one hour.
     ("version_created", "utc", "2013-02-16T16:36:20+00:00",
      Differs(SUPERDESK_WRONG, "versionCreated is empty and contentModified says 2013-02-22T18:36:20 (Helsinki); "
                               "Superdesk falls back to a shifted firstCreated", "2013-02-22T16:36:20+00:00")),
     ("provider", "eq", "stt"))
rows(CORE + "stt_newsml_subject_test.xml", "core:tests/io/feed_parsers/stt_newsml_test.py::STTSubjectTestCase",
     ("subjects", "has", "11006000"), ("subjects", "has", "11006006"))

S = "core:tests/io/feed_parsers/ap_anpa_test.py::ANPATestCase"
ANPA_KEYWORD = ("the slug is the whole ANPA keyword of the keyword line, BC- prefix and spaces kept; the header's "
                "24-character slug field is that keyword packed and cut")
rows(CORE + "anpa-2.tst", S,
     # every editors' line goes to ednote (Eds:, AP Photo, EDITOR'S NOTE): it holds Superdesk's value
     ("ednote", "contains", "This is part of an Associated Press investigation into the hidden costs of green energy."),
     ("version_marker", "text", "1stLd-Writethru"),
     ("category", "has", "i", Differs(HOUSE_RULE, "Superdesk replaces a category it does not know by 'i'; the file "
                                      "says 'a'", "a")))
rows(CORE + "ap_anpa-1.tst", S,
     ("subjects", "has", "15008000", Differs(HOUSE_RULE, "Superdesk expands the ANPA category/slug to an IPTC "
                                             "subject through its own table; the file carries no subject code", None)),
     ("dateline_location", "city", "ATLANTA"),
     ("dateline_agency", "agency", "AP"))
rows(CORE + "ap_anpa-2.tst", S,
     ("slug", "eq", "BBO--BaseballExpanded", Differs(WIRELAKE_RULE, ANPA_KEYWORD, "BC-BBO--Baseball Expanded Glance")),
     ("body", "contains", "Baltimore;23;13;.639;_;_;8-2;L-1;16-6;7-7"))
rows(CORE + "ap_anpa-3.tst", S, ("category", "has", "i", Differs(HOUSE_RULE, "Superdesk replaces a category it "
                                                                 "does not know by 'i'; the file says 'd'", "d")))

S = "core:tests/io/feed_parsers/anpa_tests.py::ANPATestCase"
rows(CORE + "anpa-1.tst", S,
     ("priority", "eq", 1),
     ("category", "has", "l"),
     ("headline", "eq", "For Argentine chemo patients, mirrors can hurt"),
     ("authors", "names", ["Paul Byrne", "Almudena Calatrava"]),
     ("body", "starts", "BUENOS", Differs(WIRELAKE_RULE, DATELINE_OUT, None)),
     ("slug", "eq", "Argentina-Cancer", Differs(WIRELAKE_RULE, ANPA_KEYWORD, "BC-LT--Argentina-Cancer Beauty")),
     ("published_at", "utc", "2013-11-13T15:09:00+00:00"))
rows(CORE + "anpa-2.tst", S,
     ("ednote", "contains", "This is part of an Associated Press investigation into the hidden costs of green energy."))

S = "core:tests/io/feed_parsers/newsml2_parser_test.py"
rows(CORE + "tag_reuters.com,0000_newsml_L4N1FL0N0_1132689232", S + "::ReutersTestCase.test_content",
     ("headline", "eq", "PRECIOUS-Gold rises as Trump policy fuels safe haven demand",
      Differs(WIRELAKE_RULE, HEADLINE_PREFIX, "Gold rises as Trump policy fuels safe haven demand")),
     ("desk", "eq", "PRECIOUS"),
     ("guid", "eq", "tag:reuters.com,0000:newsml_L4N1FL0N0:1132689232",
      Differs(WIRELAKE_RULE, GUID_WITH_VERSION, "tag:reuters.com,0000:newsml_L4N1FL0N0")),
     ("published_at", "utc", "2017-01-31T03:47:29"),
     ("body", "starts", "(Adds comments, detail)", Differs(WIRELAKE_RULE, EDITOR_NOTE_OUT, "* Spot gold may edge up to $1,205 per ounce")))
rows(CORE + "tag_reuters.com,0000_newsml_ISS149709_1618095828", S + "::ResutersResultsTestCase.test_results",
     ("body", "starts", "Jan 30 (Gracenote) - Results and standings from the Turkish championship matches on Monday",
      Differs(WIRELAKE_RULE, DATE_SOURCE_OUT, "Results and standings from the Turkish championship matches on Monday")))
rows(CORE + "ansa-newsmlg2-text.xml", S + "::ANSATestCase.test_language", ("language", "lang", "it"))
rows(CORE + "tag_reuters.com,2018_newsml_MTZXEE13ZXCZES_2", S + "::ReutersOptaTestCase.test_body",
     ("body", "starts", "Jan 3 (OPTA) - Results and fixtures for the Primeira",
      Differs(WIRELAKE_RULE, DATE_SOURCE_OUT, "Results and fixtures for the Primeira")))
rows(CORE + "LISTING 1 A NewsML-G2 News Item.xml", S + "::IPTCExampleTextTestCase.test_news_item_parsing",
     ("stories", "eq", 1),
     ("version_created", "utc", "2016-10-21T16:25:32-05:00"),
     ("ednote", "contains", "STRICTLY EMBARGOED"),
     ("authors", "count", 1))
rows(CORE + "LISTING 6 Simple NewsML-G2 Package.xml", S + "::IPTCExamplePackage.test_news_item_parsing",
     ("stories", "eq", 1, Differs(NOT_A_STORY, "the file is a package (packageItem): wirelake skips packages as "
                                  "non_text:package, Superdesk ingests the package item", 0)))

S = "core:tests/io/feed_parsers/nitf_tests.py"
rows(CORE + "aap.xml", S + "::AAPTestCase",
     ("headline", "eq", "The main stories on today's 1900 ABC TV news"),
     ("slug", "eq", "Monitor 1900 ABC News"),
     ("subjects", "has", "02000000", Differs(HOUSE_RULE, SUBJECT_LEVELS, None)),
     ("subjects", "has", "02003000", Differs(HOUSE_RULE, SUBJECT_LEVELS, None)),
     ("guid", "eq", "AAP.115314987.5417374"),
     ("urgency", "eq", 5),
     ("dateline_location", "city", "Sydney"),
     ("authors", "names", ["John Doe"]),
     ("abstract", "text", "The main stories on today's 1900 ABC TV news"),
     ("published_at", "utc", "2013-10-20T08:27:51+00:00"),
     ("version_created", "utc", "2013-10-20T08:27:51+00:00"),
     ("body", "contains", "1A) More extreme weather forecast over the next few days the fire situation is likely"),
     ("pub_status", "eq", "usable"),
     ("category", "has", "a"))
rows(CORE + "nitf-fishing.xml", S + "::IPTCExampleTestCase",
     ("headline", "eq", "Weather and Tide Updates for Norfolk"),
     ("pub_status", "eq", "canceled"),
     ("guid", "eq", "iptc.321656141.b"),
     ("subjects", "count", 3),
     ("place", "has", "Norfolk"),
     ("keywords", "has", "fishing"),
     ("ednote", "text", "Today begins an expanded format of this popular column."),
     ("authors", "names", ["Alan Karben"]))
rows(CORE + "pa1.xml", S + "::PATestCase",
     ("headline", "eq", "PA SPORT TRIVIA (OCTOBER 14)"),
     ("pub_status", "eq", "usable"),
     ("guid", "eq", "af1f7ad5-5619-49de-84cc-2e608538c77fSSS-3-1"),
     ("subjects", "count", 4),
     ("keywords", "has", "Trivia (Oct 14)"))
rows(CORE + "pa1.xml", "core:tests/io/feed_parsers/pa_nitf_test.py::PATestCase.test_slugline",
     ("slug", "eq", "Sport Trivia (Oct 14)", Differs(HOUSE_RULE, "PA's plugin composes the slugline from the "
                                                     "category and keyword; wirelake keeps the file's du-key",
                                                     "PA-SSS-SPORT-Trivia(Oct14)")))
rows(CORE + "pa2.xml", S + "::PATestCase2",
     ("headline", "eq", "1 SOCCER INT-Teams"),
     ("pub_status", "eq", "usable"),
     ("guid", "eq", "T201510140143580001T"),
     ("subjects", "count", 0),
     ("keywords", "has", "INT-Teams"))
rows(CORE + "pa2.xml", "core:tests/io/feed_parsers/pa_nitf_test.py::PAFileWithNoSubjects",
     ("headline", "eq", "Soccer INT-Teams",
      Differs(HOUSE_RULE, "PA's plugin drops the priority digit and re-cases the sport; the generic NITF test and "
                          "the file say '1 SOCCER INT-Teams'", "1 SOCCER INT-Teams")),
     ("category", "has", "S", Differs(HOUSE_RULE, "PA's plugin maps the sport to ANPA category S; the file has none",
                                     None)))
rows(CORE + "pa3.xml", "core:tests/io/feed_parsers/pa_nitf_test.py::PAEmbargoTestCase",
     ("pub_status", "eq", "usable", Differs(WIRELAKE_RULE, "the file's management-status is 'embargoed': withheld "
                                            "until its release time (embargo_until)", "withheld")))

S = "core:tests/io/feed_parsers/dpa_test.py::DPAIptcTestCase"
FIND_TRUTHY = ("the test asserts assertTrue(ednote.find(...)), true even when the text is absent (-1); this "
               "file's notebook has '## dpa Contacts'")
rows(CORE + "IPTC7901.txt", S + ".test_open_iptc7901_file",
     ("headline", "eq", "Germany Social Democrats: Coalition talks with Merkel could fail"),
     ("body", "starts", "Negotiations"),
     ("slug", "eq", "Germany-politics"),
     ("priority", "eq", 4),
     ("category", "has", "i"),
     ("ednote", "contains", "## Editorial contacts", Differs(SUPERDESK_WRONG, FIND_TRUTHY, "## dpa Contacts")),
     ("dateline_agency", "agency", "dpa"),
     ("dateline_location", "city", "Berlin"))
rows(CORE + "dpa_copyright.txt", S + ".test_open_dpa_copyright",
     ("headline", "eq", "Impressum"), ("slug", "eq", "Impressum"), ("category", "has", "rs"))
rows(CORE + "dpa_four_line.txt", S + ".test_four_line_header",
     ("headline", "eq", "Switzerland joins list of countries resisting UN migration pact"),
     ("slug", "eq", "Switzerland/migration/UN"),
     ("version_marker", "text", "1ST LEAD"), ("status_marker", "text", "REFILE"))
rows(CORE + "dpa_two_line.txt", S + ".test_two_line_header",
     ("headline", "eq", "Peace talks on Yemen to take place in Sweden next month, Mattis says"),
     ("slug", "eq", "Yemen/conflict"))
S = "core:tests/io/feed_parsers/iptc7901_tests.py::IptcTestCase"
rows(CORE + "IPTC7901.txt", S + ".test_open_iptc7901_file",
     ("headline", "eq", "Germany Social Democrats: Coalition talks with Merkel could fail =",
      Differs(HOUSE_RULE, EQUALS_MARK, "Germany Social Democrats: Coalition talks with Merkel could fail")),
     ("body", "starts", "Berlin", Differs(WIRELAKE_RULE, DATELINE_OUT, "Negotiations")))
rows(CORE + "IPTC7901_odd_charset.txt", S + ".test_open_iptc7901_file_odd_charset",
     ("body", "contains", "Müller"), ("ednote", "contains", "## Editorial contacts"))

S = "core:tests/io/feed_parsers/ritzau_test.py::RitzauTestCase"
rows(CORE + "ritzau_news.xml", S + ".test_content",
     ("version", "eq", "1"),
     ("authors", "names", ["/ritzau/"], Differs(SUPERDESK_WRONG, RITZAU_BYLINE, ["Peder Top Poulsen"])),
     ("headline", "eq", 'Hollandske forskere har "i årevis" lavet forsøg på både mennesker og dyr, hvor de har '
                        'testet effekte',
      Differs(HOUSE_RULE, "Superdesk cuts a headline from the first 100 characters of the body; the file's "
                          "<headline> is kept", None)),
     ("body", "same", "<p>Hollandske forskere har \"i årevis\" lavet forsøg på både mennesker og dyr, hvor de har "
                      "testet effekten af at indånde udstødningsgas fra dieselbiler.</p><p>Det fortæller forskerne "
                      "selv til nyhedsbureauet AFP.</p><p>Historien kommer frem på et tidspunkt, hvor tyske "
                      "bilfabrikanter er udsat for massiv kritik, fordi de har finansieret lignende forsøg.</p>"),
     ("guid", "eq", "9a6955fc-11da-46b6-9903-439ebb288f2d"),
     ("published_at", "utc", "2018-01-30T16:32:18.397000+00:00"),
     ("ednote", "none", None),
     ("priority", "eq", 3),
     ("urgency", "eq", 3))
rows(CORE + "ritzau_news_test_ednote.xml", S + ".test_ednote",
     ("ednote", "text", "Lasse Norman Hansen skifter til Corendon-Circus.\nDer i næste sæson kører på næsthøjeste "
                        "niveau.\nSom led i en større omstrukturering skal den danske medicinalgigant Novo Nordisk "
                        "sige farvel til omkring 400 ansatte inden for forskning og udvikling i Danmark og Kina."))

S = "core:tests/io/feed_parsers/wenn_parser_test.py::WENNTestCase"
WENN_CODES = "Superdesk gives every WENN item its own entertainment codes (ANPA 'e', IPTC 01000000); the file has none"
rows(CORE + "wenn.xml", S + ".test_items_counts", ("stories", "eq", 2))
for i, (hl, abstract, guid, body, kws) in enumerate([
    ("Suge Knight involved in fatal hit and run incident",
     "Police officials in Los Angeles are investigating a fatal hit and run incident involving rap mogul SUGE "
     "KNIGHT on Thursday (29Jan15).", "1369426", "This is body content1.", ["Suge Knight", "Tmz.Com", "Compton"]),
    ("Jagged Edge singer Kyle Norman arrested over domestic assault",
     "JAGGED EDGE singer KYLE NORMAN has been arrested by police in Atlanta, Georgia amid allegations of "
     "aggravated assault.", "1369417", "This is body content2.",
     ["Jagged Edge", "Where The Party At", "Usmagazine.Com", "Kyle Norman"]),
]):
    rows(CORE + "wenn.xml", S, ("headline", "eq", hl), ("abstract", "text", abstract),
         ("guid", "eq", guid, Differs(HOUSE_RULE, "Superdesk takes WENN's original_article_id as guid; wirelake "
                                      "keeps the Atom entry id", f"urn:feed-wenn-com:newsfeedarticle:2:2222:{2 * i + 1}")),
         ("body", "same", body, Differs(WIRELAKE_RULE, "the Atom <content> is a placeholder ('This is body "
                                        "content1.'); wirelake reads WENN's own first_line + body elements", None)),
         ("body", "starts", abstract),
         ("category", "has", "e", Differs(HOUSE_RULE, WENN_CODES, None)),
         ("subjects", "has", "01000000", Differs(HOUSE_RULE, WENN_CODES, None)),
         ("pub_status", "eq", "usable"), *[("keywords", "has", k) for k in kws], index=i)
rows(CORE + "wenn.xml", S + ".test_firstcreated", ("published_at", "utc", "2015-01-30T00:33:06+00:00"))
rows(CORE + "wenn.xml", S + ".test_versioncreated", ("version_created", "utc", "2015-01-30T02:40:56+00:00"))

S = "core:tests/io/feed_parsers/afpnewsml12_test.py::TestCase"
rows(CORE + "afp.xml", S,
     ("headline", "eq", "Sweden court accepts receivership for Saab carmaker"),
     ("dateline_location", "city", "STOCKHOLM"),
     ("dateline_agency", "agency", "AFP"),
     ("slug", "eq", "Sweden-SAAB"),
     ("authors", "names", []),
     ("language", "lang", "en"),
     ("guid", "eq", "urn:newsml:afp.com:20140829T135002Z:TX-PAR-FXW86:1"),
     ("urgency", "eq", 4),
     ("version", "eq", "1"),
     ("version_created", "utc", "2014-08-29T13:49:51+00:00"),
     ("published_at", "utc", "2014-08-29T13:49:51+00:00"),
     ("pub_status", "eq", "usable"),
     ("subjects", "count", 5),
     ("subjects", "has", "04011002"), ("subjects", "has", "04016007"), ("subjects", "has", "04000000"),
     ("subjects", "has", "04016038"), ("subjects", "has", "04011000"),
     ("genre", "has", "business"), ("genre", "has", "bankruptcy"))

S = "core:tests/io/feed_parsers/dpanewsml_test.py::DPANewsMLTestCase"
rows(CORE + "dpa.xml", S,
     ("headline", "eq", "Eintracht in London: Hintereggers Tränen und Attacke auf Reporter"),
     ("slug", "none", None),
     ("language", "lang", "de"),
     ("guid", "eq", "urn:newsml:dpa.com:20090101:221011-930-4303:1",
      Differs(WIRELAKE_RULE, GUID_WITH_VERSION, "urn:newsml:dpa.com:20090101:221011-930-4303")),
     ("urgency", "eq", 4),
     ("version", "eq", "1"),
     ("version_created", "utc", "2022-10-11T09:14:42+00:00"),
     ("pub_status", "eq", "usable"),
     ("authors", "names", ["degenhardt.sandra"],
      Differs(WIRELAKE_RULE, "dpa's <creator> is an editor account id, not a byline: wirelake credits it "
                             "(role creator) and has no author", [])),
     ("priority", "eq", 5, Differs(HOUSE_RULE, "the file has no priority; 5 is Superdesk's default", None)),
     ("keywords", "has", "Champions League"), ("keywords", "has", "Frankfurt"), ("keywords", "has", "London"),
     ("body", "starts", "London (dpa) - 2019 gab es bittere Tränen",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "2019 gab es bittere Tränen in der Kurve")),
     ("dateline_location", "city", "London"),
     ("body", "ends", "Eine Woche später gewann die Eintracht auch das Rückspiel und zog ins Endspiel ein."))

S = "core:tests/io/feed_parsers/bbc_ninjs_test.py"
rows(CORE + "bbc-ninjs-text-test.json", S + "::SimpleTestCase.test_trans_attributes",
     ("item", "eq", "story"),
     ("subjects", "has", "11016007", Differs(WIRELAKE_RULE, NINJS_SUBJECT_NAMES, "Planning Permission")))
rows(CORE + "bbc-ninjs-comp-test.json", S + "::CompositeTestCase.test_parsed_items",
     ("item", "eq", "story"), ("headline", "eq", "abcdef"))
rows(CORE + "bbc-ninjs-comp-test.json", S + "::CompositeTestCase.test_parsed_items",
     ("item", "eq", "skipped:picture",
      Differs(NOT_A_STORY, "the picture is an association inside the text item, not an item of the file: "
                           "Superdesk ingests it as an item of its own", None)), index=1)

S = "core:tests/io/feed_parsers/ninjs_test.py"
rows(CORE + "ninjs1.json", S + "::SimpleTestCase.test_headline",
     ("headline", "eq", "headline"),
     ("abstract", "text", "abstract"),
     ("authors", "names", ["John"],
      Differs(WIRELAKE_RULE, "a one-word name is not taken as a person's byline (place names in 'By ... in X' "
                             "lists look the same)", None)),
     ("original_provider", "eq", "aap", Differs(WIRELAKE_RULE, "AAP is the copyright holder, so the provider: "
                                                "original_provider names another agency only", None)),
     ("version_created", "utc", "2017-08-24T04:38:34+00:00"))
rows(CORE + "ninjs2.json", S + "::AssociatedTestCase.test_parsed_items",
     # Superdesk's items[0] is the picture, items[1] the text: wirelake's item 0 is the text
     ("item", "eq", "story"),
     ("headline", "eq", "Oil prices edge up on first drop in US drilling in months"),
     ("abstract", "text", "Oil prices edged up on Monday, supported by the first fall in US drilling activity in month."))
rows(CORE + "ninjs2.json", S + "::AssociatedTestCase.test_parsed_items",
     ("item", "eq", "skipped:picture",
      Differs(NOT_A_STORY, "the picture is an association inside the text item, not an item of the file: "
                           "Superdesk ingests it as an item of its own", None)), index=1)
rows(CORE + "ninjs3.json", S + "::PictureTestCase.test_headline", ("item", "eq", "skipped:picture"))
rows(CORE + "ninjsExSimpleText1.json", S + "::IPTCSimpleTextTestCase.test_simple",
     ("stories", "eq", 1),
     ("guid", "eq", "urn:ninjs.example.com:newsitems:20130709simp123",
      Differs(HOUSE_RULE, "Superdesk rewrites the ninjs uri into a urn; wirelake keeps the file's uri",
              "http://ninjs.example.com/newsitems/20130709simp123")),
     ("version_created", "utc", "2013-07-09T10:37:00+00:00"),
     ("body", "contains", "GROSSETO", Differs(WIRELAKE_RULE, DATELINE_OUT, None)),
     ("dateline_location", "city", "GROSSETO"))
rows(CORE + "ninjsExMediumText1.json", S + "::IPTCMediumTextTestCase.test_medium",
     ("stories", "eq", 1), ("language", "lang", "en"))
rows(CORE + "ap_media_picture.json", "core:tests/io/feed_parsers/ap_media_test.py::SimpleTestCase.test_headline",
     ("item", "eq", "skipped:picture"))

# ---- superdesk-aap ---------------------------------------------------------------------------
S = "aap:server/aap/tests/io/feed_parsers/asianet_tests.py::AsiaNetFeedParserTestCase.test_feed_parser"
for n, slug, headline, place, first in [
    (1, "Digital Turbine, Inc.", "Digital Turbine Partners with Axiata Digital On Carrier Billing Platform Integration",
     "AUSTIN, Texas", "Digital Turbine, Inc. ( https://www.digitalturbine.com/ ) (Nasdaq: APPS), a"),
    (2, "Queen Elizabeth Prize", "Queen Elizabeth Prize for Engineering Awarded to the Creators of Digital Imaging "
     "Sensors", "LONDON", "Four engineers responsible for the creation of digital imaging sensors were"),
    (3, "Escola Aguia de Ouro", "Animal rights come to Brazil's Carnival for a show with no feathers", "SAO PAULO",
     "-- Aguia de Ouro samba school to present theme on raising awareness of"),
    (4, "Essence", "Digital Agency Essence Builds on Enormous Growth in APAC; Promotes Jovy Gill to Managing "
     "Director of Australia", "SINGAPORE", "- New Appointment Helps Essence Meet Increasing Demand for Data-Driven"),
    (5, "OMRON Corporation", "OMRON Launches Promotional Website for AI-equipped Mobile Robot LD Series",
     "KYOTO, Japan", "OMRON Corporation announced on February 1 the launch of a promotional website"),
    (6, "OnApp", "OnApp v5.3 Simplifies Add-on Services for Cloud Providers", "LONDON",
     "- Makes it easy for cloud service providers and enterprises to offer a catalog"),
    (7, "Shinetech Software Inc.", "Shinetech Software, Inc. Reports 16% Growth in 2016",
     "NEW YORK, LONDON and BEIJING", "-- Company continues strong rate of global business expansion, adds new"),
    (8, "Huntsman Family Investments", "Huntsman Family Investments to Acquire GTA TeleGuam", "TAMUNING, Guam",
     'Huntsman Family Investments and its affiliates ("HFI") announced today that'),
    (9, "Neovia Oncology Ltd", "Neovia Enrolls First Patient in Cancer Trial for Immunotherapy Enhancing Drug",
     "BEIJING", "Neovia Oncology, (Beijing, Taiwan, & Seattle), has begun its first Phase 1"),
]:
    rows(AAP + f"asianet_{n}.tst", S,
         ("headline", "eq", headline),
         ("slug", "eq", slug, Differs(HOUSE_RULE, "AAP's plugin files the issuing company (the 'Source:' line) "
                                      "as slugline; wirelake has it as original_provider", None)),
         ("dateline_location", "city", place),
         ("body", "contains", first))

rows(AAP + "IDN38100.tst", "aap:server/aap/tests/io/feed_parsers/bom_test.py::BOMFeedParserTestCase.test_default_format",
     ("headline", "eq", "Weather Road Weather Warning NSW: Issued 9:27am, July 5",
      Differs(HOUSE_RULE, "AAP builds the headline from its product vocabulary ('Road Weather Warning' for IDN38100) "
                          "and the state; wirelake takes the bulletin's own title line", None)))
rows(AAP + "IDY21020.tst", "aap:server/aap/tests/io/feed_parsers/bom_test.py::BOMFeedParserTestCase.test_antartic_format",
     ("headline", "eq", "Weather Ocean Wind Warning Antarctica: Issued 1859UTC, July 15",
      Differs(HOUSE_RULE, "AAP builds the headline from its product vocabulary ('Ocean Wind Warning' for IDY21020); "
                          "wirelake takes the bulletin's own title line", None)))
rows(AAP + "abs-calendar.txt", "aap:server/aap/tests/io/feed_parsers/abs_calendar_csv_test.py::ABSCalendarCSVTestCase",
     ("stories", "eq", 0), ("item", "eq", "skipped:event"))
rows(AAP + "CRN2016427R1.tst", "aap:server/aap/tests/io/feed_parsers/text_file_test.py::TextFileTestCase",
     ("headline", "eq", "Cranbourne, Wednesday 27 Apr 2016"))
rows(AAP + "ticker_sample.txt", "aap:server/aap/tests/io/feed_parsers/ticker_parser_test.py::TickerFileTestCase",
     ("item", "eq", "story",
      Differs(NOT_A_STORY, "a bare text of ticker lines with no title, no date and no framing: AAP reads it with a "
                           "dedicated ticker parser and makes up 'AAP Ticker on <date>'; wirelake rejects it as "
                           "unrecognized_format", "rejected:unrecognized_format")))

S = "aap:server/aap/tests/io/feed_parsers/reuters_newsml_test.py::ReutersNewsmlFeedParserTestCase"
rows(AAP + "reuters_newsml.xml", S, ("headline", "eq", "Pope Francis leaves Peru at end of Latin American trip"))
S = "aap:server/aap/tests/io/feed_parsers/ReutersNewsMLTwoFeedParser_test.py"
rows(AAP + "tag:reuters.com,0000:newsml_L4N1FL0N0:1132689232", S + "::ReutersTestCase.test_content",
     ("headline", "eq", "PRECIOUS-Gold rises as Trump policy fuels safe haven demand",
      Differs(WIRELAKE_RULE, HEADLINE_PREFIX, "Gold rises as Trump policy fuels safe haven demand")),
     ("published_at", "utc", "2017-01-31T03:47:29"))
rows(AAP + "tag:reuters.com,0000:newsml_ISS149709:1618095828", S + "::ReutersResultsTestCase.test_results",
     ("body", "starts", "Jan 30 (Gracenote) - Results and standings from the Turkish championship matches on Monday",
      Differs(WIRELAKE_RULE, DATE_SOURCE_OUT, "Results and standings from the Turkish championship matches on Monday")))
rows(AAP + "tag:reuters.com,2018:newsml_MTZXEE13ZXCZES:2", S + "::ReutersOptaTestCase.test_body",
     ("body", "starts", "Jan 3 (OPTA) - Results and fixtures for the Primeira",
      Differs(WIRELAKE_RULE, DATE_SOURCE_OUT, "Results and fixtures for the Primeira")))
rows(AAP + "tag:reuters.com,2018:newsml_L3N1X604Z:536317572", S + "::ReutersWithLineBreaks.test_body",
     ("body", "starts", "* MSCI Asia Ex-Japan -0.06 pct * Amazon, Alphabet earnings disappoint * Euro falls"),
     ("body", "contains", "SHANGHAI, Oct 26 (Reuters) - Asian shares wobbled in early Friday trade, struggling",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "Asian shares wobbled in early Friday trade, struggling")),
     ("dateline_location", "city", "SHANGHAI"))
rows(AAP + "reuters_byline_in_body.xml", S + "::ReutersBylineInBody",
     ("body", "starts", "(Adds Gov. Cuomo's announcement that the Statue of Liberty will",
      Differs(WIRELAKE_RULE, EDITOR_NOTE_OUT, None)),
     ("body", "lacks", "By Joseph Ax"),
     ("authors", "names", ["Joseph Ax"]))
rows(AAP + "reuters_with_byline.xml", S + "::ReutersWithByline",
     ("body", "starts", "LOS ANGELES (Variety.com) - The 24th Annual Screen Actors Guild Awards",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "The 24th Annual Screen Actors Guild Awards")),
     ("body", "lacks", "By Dave McNary"),
     ("authors", "names", ["Dave McNary"]))
rows(AAP + "reuters_no_byline.xml", S + "::ReutersNoByline",
     ("body", "starts", "* MSCI Asia Ex-Japan -0.06 pct"),
     ("authors", "names", [], Differs(WIRELAKE_RULE, "without a byline the sign-off's reporter ('Reporting by "
                                      "Andrew Galbraith') is the author", ["Andrew Galbraith"])))

S = "aap:server/aap/tests/io/feed_parsers/zczc_parser_test.py::ZCZCTestCase"
AAP_HL_RULE = "AAP's ZCZC parsers compose the headline/slug from header fields and desk rules"
AAP_CATEGORY = "AAP's ZCZC parsers set a fixed category per feed (racing 'r', BOB 'A'); the file has no '$' category"
BOB_DATELINE = ("AAP's BOB parser composes 'SYDNEY, Nov 6 AAP -' from the slug and the ingest clock; the text "
                "has no dateline")
ANSA_PRIORITY = "ANSA's priority is the letter 'R'; Belga maps it to 5 for priority and urgency"
TT_INGRESS = ("För första gången sedan EU:s Lissabonfördrag trädde i kraft tar EU-kommissionen i med sin storslägga "
              "mot ett medlemsland. Polen riskerar nu formellt indragen rösträtt - även om vägen dit fortfarande är "
              "lång. I Warszawa tror man att åtgärden är en hämnd för landets ovilja att ta emot flyktingar.")
BOB_PLACE = "AAP's BOB parser prefixes the place code ('@QLD') to the headline; wirelake files it as place"
rows(AAP + "Standings__2014_14_635535729050675896.tst", S + ".test_default_format",
     ("headline", "eq", "MOTOR: Collated results/standings after Sydney NRMA 500"),
     ("category", "has", "T"))
rows(AAP + "AFL_FormGuide__636241349261119029.tst", S + ".test_sports_results_preview_format",
     ("headline", "eq", "AFL: AFL Round 23 preview panel"),
     ("body", "starts", "MELBOURNE, March 3 AAP - Preview of AFL Round 23 matches (all times AEDT):",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "Preview of AFL Round 23 matches (all times AEDT):")),
     ("dateline_location", "city", "MELBOURNE"), ("dateline_agency", "agency", "AAP"))
rows(AAP + "ED_841066_2_1.tst", S + ".test_medianet_format",
     ("headline", "eq", "Media Release: Australian Financial Security Authority",
      Differs(HOUSE_RULE, AAP_HL_RULE + " (Medianet: 'Media Release: ' + issuer); superdesk-core's own ZCZC "
                          "test expects the bare issuer", "Australian Financial Security Authority")))
rows(AAP + "ED_867485_4_2.tst", S + ".test_medianet_investor_relations_format",
     ("headline", "eq", "IRW News Release: Master Builders Australia",
      Differs(HOUSE_RULE, AAP_HL_RULE + " (Medianet investor releases)", None)))
rows(AAP + "ED_900942_2_1.tst", S + ".test_tabular_format",
     ("body", "starts", "Media release distributed by AAP Medianet.",
      Differs(HOUSE_RULE, "AAP's Medianet parser adds its own 'Media release distributed by AAP Medianet.' line",
              "Sat Lotto Draw No. 3855")),
     ("body", "contains", "Dividend Total Winners Total Prizes Payable"))
rows(AAP + "Darwin GR - Greys - Sun 11 Oct, 2015.tst", S + ".test_pagemasters_format",
     ("headline", "eq", "Darwin Greyhound Fields Sunday", Differs(HOUSE_RULE, AAP_HL_RULE, None)),
     ("slug", "eq", "Darwin Grey"),
     ("category", "has", "r", Differs(HOUSE_RULE, AAP_CATEGORY, None)))
rows(AAP + "viflda004_7257.tst", S + ".test_racing_format",
     ("headline", "eq", "Racing.Com Park FIELDS Thursday", Differs(HOUSE_RULE, AAP_HL_RULE,
                                                                  "RACING : Racing.Com Park FIELDS Thursday")),
     ("slug", "eq", "Racing.Com Park FIELDS Thursday",
      Differs(HOUSE_RULE, "AAP's racing parser copies the headline into the slugline", None)),
     ("category", "has", "r", Differs(HOUSE_RULE, AAP_CATEGORY, None)))
rows(AAP + "vifrc7_5254.tst", S + ".test_racing_format_2",
     ("headline", "eq", "Wodonga Gallop Comment Saturday races 1-6",
      Differs(HOUSE_RULE, AAP_HL_RULE, "Wodonga Comment Saturday races 1-6")),
     ("slug", "eq", "Wodonga Comment", Differs(HOUSE_RULE, AAP_HL_RULE, None)),
     ("category", "has", "r", Differs(HOUSE_RULE, AAP_CATEGORY, None)),
     ("body", "starts", "Race One - Telstra Business Centre Mdn 1400m"))
rows(AAP + "vicomb004_8511.tst", S + ".test_racing_format_3",
     ("headline", "eq", "Eagle Farm MARKET DAY"), ("category", "has", "r", Differs(HOUSE_RULE, AAP_CATEGORY, None)))
rows(AAP + "vinzce004_14.tst", S + ".test_racing_format_4",
     ("keywords", "has", "RFG", Differs(HOUSE_RULE, "AAP turns the racing routing code (YY RFG ...) into a "
                                        "keyword; wirelake drops routing lines", None)),
     ("category", "has", "h", Differs(HOUSE_RULE, AAP_CATEGORY, None)))
rows(AAP + "Wagga Trot VIC TAB DIVS 1-4 Friday.tst", S + ".test_trot_tab_divs",
     ("headline", "eq", "Wagga Trot VIC TAB DIVS 1-4 Friday"), ("slug", "eq", "Wagga Trot"),
     ("category", "has", "r", Differs(HOUSE_RULE, AAP_CATEGORY, None)))
rows(AAP + "premierships.txt", S + ".test_leading_jockeys",
     ("headline", "eq", "Premierships National gallop Trainer and Jockeys 2017-2018"),
     ("slug", "eq", "Premierships National", Differs(HOUSE_RULE, AAP_HL_RULE,
                                                     "Premierships National gallop Trainer and Jockeys 2017-2018")),
     ("category", "has", "r", Differs(HOUSE_RULE, AAP_CATEGORY, None)))
rows(AAP + "viwhtn01_8594.tst", S + ".test_weights",
     ("headline", "eq", "STRADBROKE HANDICAP 1400M .=!",
      Differs(HOUSE_RULE, AAP_HL_RULE + " (the third line); wirelake takes the first", "Eagle Farm WEIGHTS EAGLE FARM")),
     ("category", "has", "r", Differs(HOUSE_RULE, AAP_CATEGORY, None)))
rows(AAP + "1487e8f1-f7f5-40f5-8c0f-0eba3c2e162d.tst", S + ".test_bob",
     ("slug", "eq", "Legionella_BC1"),
     ("category", "has", "A", Differs(HOUSE_RULE, AAP_CATEGORY, None)),
     ("headline", "eq", "QLD: Legionella found in Qld hospital",
      Differs(HOUSE_RULE, BOB_PLACE, "Legionella found in Qld hospital")),
     ("place", "has", "QLD"),
     ("body", "starts", "Legionella bacteria has been found in a regional"))
rows(AAP + "bob_am_headlines.tst", S + ".test_bob_am_headlines",
     ("slug", "eq", "AM Sydney headlines"),
     ("category", "has", "A", Differs(HOUSE_RULE, AAP_CATEGORY, None)),
     ("headline", "eq", "Sydney headlines round-up Nov 06, 1200"),
     ("body", "starts", "Here are this morning's latest headlines"),
     ("dateline_location", "city", "Sydney", Differs(HOUSE_RULE, BOB_DATELINE, None)),
     ("dateline_agency", "agency", "AAP", Differs(HOUSE_RULE, BOB_DATELINE, None)))
rows(AAP + "612fa1dc-c476-425d-8c80-d40bdc9cc1d5.tst", S + ".test_bob_empty_header_line",
     ("slug", "eq", "Legal: Causevic_BC6"),
     ("category", "has", "A", Differs(HOUSE_RULE, AAP_CATEGORY, None)),
     ("headline", "eq", "Vic: GPS device to come off Vic teen",
      Differs(HOUSE_RULE, BOB_PLACE, "GPS device to come off Vic teen")),
     ("body", "starts", "A former Melbourne terror suspect no longer needs to wear"))
rows(AAP + "Warragul Greyhound NSW TAB DIVS 1-11 Thursday.tst", S + ".test_greyhound_divs",
     ("headline", "eq", "Warragul Greyhound NSW TAB DIVS 1-11 Thursday"),
     ("slug", "eq", "Warragul Greys", Differs(HOUSE_RULE, AAP_HL_RULE, "Warragul Greyhound")))

# ---- superdesk-belga -------------------------------------------------------------------------
S = "belga:server/tests/io/feed_parsers/belga_efe_newsml_1_2_test.py::BelgaEFENewsMLOneTestCase.test_content"
rows(BELGA + "efe_belga.xml", S,
     ("slug", "none", None, Differs(HOUSE_RULE, BELGA_NO_SLUG + " (EFE's slug is its key-list keyword)",
                                    "INDIA SUCESOS")),
     ("keywords", "count", 0, Differs(HOUSE_RULE, BELGA_NO_SLUG, 1)),
     ("subjects", "has", "01026000"),
     ("version", "eq", "1"),
     ("guid", "eq", "text_25413502.text", Differs(HOUSE_RULE, BELGA_GUID,
                                                  "urn:newsml:texto.efeservicios.com:20190121T103600+0000:25413502:1")),
     ("published_at", "utc", "2019-01-21T10:36:00+00:00"),
     ("version_created", "utc", "2019-01-21T10:36:00+00:00"),
     ("pub_status", "eq", "usable"),
     ("urgency", "eq", 5),
     ("headline", "eq", "Leones matan a un joven que se coló en un zoológico de la India"),
     ("language", "lang", "es-ES"),
     ("body", "starts", "Nueva Delhi, 21 ene (EFE).- Una pareja de leones asiáticos",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "Una pareja de leones asiáticos")),
     ("dateline_location", "city", "Nueva Delhi"),
     ("dateline_agency", "agency", "EFE"),
     ("body", "ends", "en la actualidad el país cuenta con una población de unos 500 ejemplares. EFE",
      Differs(WIRELAKE_RULE, "wirelake removes the agency's end mark ('EFE') from the end of the body",
              "en la actualidad el país cuenta con una población de unos 500 ejemplares.")))

S = "belga:server/tests/io/feed_parsers/belga_anp_newsml_1_2_test.py::BelgaANPNewsMLOneTestCase.test_content"
rows(BELGA + "anp_belga.xml", S,
     ("priority", "eq", 3),
     ("version", "eq", "2"),
     ("guid", "eq", "urn:newsml:anp.nl:20181210:ANPX-101218-041:2"),
     ("published_at", "utc", "2018-12-10T08:35:49+00:00"),
     ("version_created", "utc", "2018-12-10T11:37:31+00:00"),
     ("pub_status", "eq", "usable"),
     ("urgency", "eq", 3),
     ("headline", "eq", "FNV staat alleen met acties bij PostNL (2)"),
     ("authors", "names", []),
     ("slug", "none", None, Differs(HOUSE_RULE, BELGA_NO_SLUG, None)),
     ("keywords", "count", 0, Differs(HOUSE_RULE, BELGA_NO_SLUG, None)),
     ("language", "lang", "nl-nl"),
     ("genre", "has", "ECO"),
     ("body", "starts", "N i e u w bericht, vervangt: FNV staat alleen met ultimatum aan PostNL UTRECHT (ANP) - FNV",
      Differs(WIRELAKE_RULE, "wirelake moves the letter-spaced replace notice to ednote and the dateline to its "
                             "columns", "FNV kondigt werkonderbrekingen aan bij PostNL")),
     ("dateline_location", "city", "UTRECHT",
      Differs(FIXTURE_CHANGED, "the shared copy of anp_belga.xml says 'San Mateo (ANP) -'; Superdesk's test "
                               "asserts an older 'UTRECHT (ANP) -'", "San Mateo")),
     ("dateline_agency", "agency", "ANP"),
     ("ednote", "contains", "N i e u w bericht, vervangt: FNV staat alleen met ultimatum aan PostNL"),
     ("body", "ends", "waarschuwen ze in een gezamenlijke brief aan hun leden."))

S = "belga:server/tests/io/feed_parsers/belga_ats_newsml_1_2_test.py::BelgaATSNewsMLOneTestCase.test_content"
rows(BELGA + "ats_newsml_1_2_belga.xml", S,
     ("slug", "none", None), ("keywords", "count", 0),
     ("priority", "eq", 4),
     ("version", "eq", "1"),
     ("guid", "eq", "urn:newsml:www.sda-ats.ch:20190603:bsf153:1N"),
     ("published_at", "utc", "2019-06-03T15:47:29+00:00"),
     ("version_created", "utc", "2019-06-03T15:47:29+00:00"),
     ("pub_status", "eq", "usable"),
     ("urgency", "eq", 4),
     ("dateline_location", "city", "Landquart GR"),
     ("headline", "eq", "Un taureau entre dans un magasin à Landquart (GR)"),
     ("language", "lang", "FR"),
     ("authors", "names", []),
     ("genre", "has", "Current"),
     ("subjects", "has", "08000000"), ("subjects", "has", "04007000"), ("subjects", "has", "04001000"),
     ("body", "same", "Un taureau âgé d'un an est entré dans un magasin Denner lundi à Landquart (GR). L'animal, qui "
                      "s'était échappé de son enclos peu après 11h00, est ressorti par l'autre côté du bâtiment. Il "
                      "n'y a pas eu de blessé. L'animal est entré dans le magasin et en est sorti rapidement, a "
                      "indiqué Anita Senti, porte-parole de la police cantonale des Grisons. Elle confirme une "
                      "information du site en ligne de 20Minuten. Le jeune taureau s'est ensuite dirigé vers "
                      "Maienfeld (GR). Avec l'aide du propriétaire de l'animal, deux patrouilles de police ont "
                      "réussi à le diriger vers un champ peu avant midi. Il a ensuite été transporté dans son "
                      "enclos."))

S = "belga:server/tests/io/feed_parsers/belga_iptc7901_test.py"
rows(BELGA + "dpa.txt", S + "::DPABelgaFeedParserTestCase.test_content",
     ("headline", "eq", "Top EU court: Britain can unilaterally reverse Brexit decision"),
     ("priority", "eq", 3),
     ("version_marker", "text", "2ND LEAD"),
     ("slug", "none", None, Differs(HOUSE_RULE, BELGA_NO_SLUG, "politics/Britain/EU/Brexit/justice")),
     ("keywords", "count", 0, Differs(HOUSE_RULE, BELGA_NO_SLUG, 5)),
     ("category", "has", "I"),  # the file's "i", any case
     ("authors", "names", ["Helen Maguire"]),
     ("body", "starts", "Britain could unilaterally decide not to leave the European Union, the bloc's top court ruled"),
     ("body", "lacks", "# Notebook"),
     ("ednote", "contains", "Adds reaction from British minister, opposition"))
rows(BELGA + "ats.txt", S + "::ATSBelgaFeedParserTestCase.test_content",
     ("slug", "none", None, Differs(HOUSE_RULE, BELGA_NO_SLUG, "France")),
     ("keywords", "count", 0, Differs(HOUSE_RULE, BELGA_NO_SLUG, 1)),
     ("language", "lang", "fr"),
     ("dateline_location", "city", "Paris"),
     ("dateline_agency", "agency", "ATS"),
     ("original_provider", "eq", "afp"),
     ("headline", "eq", "Gilets jaunes: une «catastrophe pour notre économie» (Le Maire) =",
      Differs(HOUSE_RULE, EQUALS_MARK, "Gilets jaunes: une «catastrophe pour notre économie» (Le Maire)")),
     ("priority", "eq", 3),
     ("category", "has", "EC"),
     ("body", "starts", "«gilets jaunes» sont une «catastrophe» pour l'économie",
      Differs(SUPERDESK_WRONG, "Belga's parser loses the first body line ('Paris (ats afp) Les violences liées aux "
                               "manifestations des')", "Les violences liées aux manifestations des «gilets jaunes»")),
     ("body", "lacks", "(SDA\\/sj)"))

S = "belga:server/tests/io/feed_parsers/belga_anpa_test.py::KyodoBelgaFeedParserTestCase.test_content"
rows(BELGA + "kyodo.txt", S,
     ("language", "lang", "en"),
     ("slug", "none", None, Differs(HOUSE_RULE, BELGA_NO_SLUG, "BC-Soccer-Emperor's-Cup")),
     ("keywords", "count", 0),
     ("published_at", "utc", "2018-12-09T12:18:00+00:00",
      Differs(SUPERDESK_WRONG, "the file is stamped 'KWS-21:37-09-12-18': 21:37 Tokyo time on 9 Dec 2018, i.e. "
                               "12:37 UTC; Superdesk's 12:18 matches nothing in the file", "2018-12-09T12:37:00+00:00")),
     ("headline", "eq", "Soccer: Urawa Reds claim 7th Emperor's Cup by beating Vegalta Sendai"),
     ("priority", "eq", 2),
     ("category", "has", "S"),  # the file's "s", any case
     ("dateline_location", "city", "SAITAMA, Japan"),
     ("dateline_agency", "agency", "Kyodo"),
     ("body", "starts", "SAITAMA, Japan, Dec. 9 Kyodo - Urawa Reds claimed their seventh",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "Urawa Reds claimed their seventh")),
     ("body", "ends", "They came off during Wednesday's semifinal against Kashima Antlers when they sustained "
                      "injuries."))

S = "belga:server/tests/io/feed_parsers/belga_afp_newsml_1_2_test.py::BelgaAFPNewsMLOneTestCase.test_content"
rows(BELGA + "afp_belga.xml", S,
     ("priority", "eq", 4),
     ("version", "eq", "1"),
     ("guid", "eq", "urn:newsml:afp.com:20190121T104233Z:TX-PAR-RHO61:1"),
     ("published_at", "utc", "2019-01-21T10:42:33+00:00"),
     ("version_created", "utc", "2019-01-21T10:42:34+00:00"),
     ("pub_status", "eq", "usable"),
     ("urgency", "eq", 3, Differs(HOUSE_RULE, "Belga maps AFP's Urgency 4 to its own scale (3); wirelake keeps "
                                  "the source's urgency", 4)),
     ("dateline_location", "city", "Paris"),
     ("dateline_agency", "agency", "AFP"),
     ("headline", "eq", "France: deux ex-policiers aux frontières devant la justice pour trafic de cocaïne"),
     ("language", "lang", "fr"),
     ("keywords", "count", 0, Differs(HOUSE_RULE, BELGA_NO_SLUG, None)),
     ("slug", "none", None, Differs(HOUSE_RULE, BELGA_NO_SLUG, "France-procès-assises-drogues-police")),
     ("subjects", "has", "02001004"), ("subjects", "has", "02008000"), ("subjects", "has", "02003000"),
     ("body", "starts", "Le procès de deux anciens fonctionnaires de la police aux frontières"),
     ("body", "ends", "asl/tib/pid/cac",
      Differs(WIRELAKE_RULE, "wirelake removes the desk initials end mark ('asl/tib/pid/cac')",
              "Le verdict est attendu le 7 février.")))

S = "belga:server/tests/io/feed_parsers/belga_ansa_test.py::BelgaANSATestCase.test_content"
rows(BELGA + "ansa_belga.xml", S,
     ("subjects", "has", "04000000"),
     ("guid", "eq", "XAM22192010243_AMZ_X083"),
     ("priority", "eq", 5, Differs(HOUSE_RULE, ANSA_PRIORITY, None)),
     ("keywords", "has", "Gazprom cut its flow of gas into Italy"),
     ("published_at", "utc", "2022-07-11T18:33:00",
      Differs(SUPERDESK_WRONG, "the NITF date '2022-07-11 18:33' has no zone; ANSA writes Rome time (CEST, "
                               "+02:00), so it is 16:33 UTC, not a naive 18:33", "2022-07-11T16:33:00+00:00")),
     ("urgency", "eq", 5, Differs(HOUSE_RULE, ANSA_PRIORITY, None)),
     ("dateline_location", "city", "ROME"),
     ("dateline_agency", "agency", "ANSA"),
     ("headline", "eq", "Gazprom cuts Italy gas supplies by a third"),
     ("authors", "names", ["Situation serious, ready for all scenarios says EC"],
      Differs(SUPERDESK_WRONG, "the <byline> element holds a sub-headline, not a person", [])),
     ("body", "same", "(ANSA) - ROME, JUL 11 - Russian energy giant Gazprom on Monday cut its gas supplies to Italy by "
                      "a third, Italian fuels giant Eni said.",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "Russian energy giant Gazprom on Monday cut its gas supplies to Italy by "
                                           "a third, Italian fuels giant Eni said.")))

S = "belga:server/tests/io/feed_parsers/belga_dpa_newsml_2_0_test.py::BelgaDPANewsMLTwoTestCase.test_content"
rows(BELGA + "dpa_newsml_2_0_belga.xml", S,
     ("guid", "eq", "urn:newsml:dpa.com:20090101:190603-99-492251:3",
      Differs(WIRELAKE_RULE, GUID_WITH_VERSION, "urn:newsml:dpa.com:20090101:190603-99-492251")),
     ("version", "eq", "3"),
     ("version_created", "utc", "2019-06-03T13:00:01+00:00"),
     ("published_at", "utc", "2019-06-03T13:00:01+00:00"),
     ("pub_status", "eq", "usable"),
     ("ednote", "contains", "Migranten sind nach Definition der Internationalen Organisation für Migration"),
     ("urgency", "eq", 3, Differs(HOUSE_RULE, "Belga maps dpa's urgency 4 to its own 3; wirelake keeps the file's", 4)),
     ("headline", "eq", "Mehr als 200 Migranten in der Ägäis aufgegriffen"),
     ("slug", "none", None), ("keywords", "count", 0, Differs(HOUSE_RULE, BELGA_NO_SLUG, None)),
     ("language", "lang", "de"),
     ("authors", "names", []),
     ("dateline_location", "city", "Athen"),
     ("dateline_agency", "agency", "dpa"),
     ("body", "starts", "Athen (dpa) - Ungeachtet der EU-Vereinbarung",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "Ungeachtet der EU-Vereinbarung")),
     ("body", "ends", "an denen 7000 Migranten über die Türkei griechische Inseln erreichten."))

S = "belga:server/tests/io/feed_parsers/belga_stt_test.py::BelgaSTTTestCase.test_content"
rows(BELGA + "stt_belga.xml", S,
     ("subjects", "has", "sttdepartment:14"),
     ("guid", "eq", "urn:newsml:stt.fi::104917454:1",
      Differs(WIRELAKE_RULE, GUID_WITH_VERSION, "urn:newsml:stt.fi::104917454")),
     ("version", "eq", "1"),
     ("published_at", "utc", "2022-05-09T21:30:33+00:00"),
     ("version_created", "utc", "2022-05-09T21:31:02+00:00"),
     ("urgency", "eq", 3),
     ("headline", "eq", "According to the Pentagon, Ukrainians have been transported to Russia against their will"
                        "*** TRANSLATED ***"),
     ("abstract", "text", "The President of Ukraine has been saying for some time that Ukrainians have been taken to "
                          "Russia.*** TRANSLATED ***"),
     ("genre", "has", "Pääjuttu"),
     ("authors", "names", []),
     ("provider", "eq", "stt"),
     ("body", "starts", "According to the US Department of Defense, there have been indications in Ukraine"),
     ("body", "ends", "The figure includes at least 200,000 children.",
      Differs(FIXTURE_CHANGED, "the shared stt_belga.xml has a shorter text than Superdesk's test asserts (two "
                               "paragraphs ending 'against their will')", "transported to Russia against their will")))

S = "belga:server/tests/io/feed_parsers/belga_newsml_1_2_test.py"
rows(BELGA + "belga_newsml_1_2.xml", S + "::BelgaNewsMLOneTestCase.test_content",
     # Superdesk keeps the escaped "&lt;b&gt;" as text; the comparison is on text without markup
     ("body", "same", "Steven <b>Van Geel</b> gaf zich op 31 mei 2014 aan bij de politie van zijn thuisstad Leuven. "
                      "Praesent sapien massa, convallis a pellentesque nec, egestas non nisi."),
     ("authors", "names", [], ),
     ("dateline_location", "city", "BRUSSEL"),
     ("published_at", "utc", "2019-01-29T11:45:50+00:00"),
     ("guid", "eq", "98055801", Differs(HOUSE_RULE, BELGA_GUID, None)),
     ("headline", "eq", "Mediawatch dinsdag 29/01/2019 - VTM Nieuws - 13 uur"),
     ("language", "lang", "nl"),
     ("priority", "eq", 3),
     ("urgency", "eq", 3, Differs(HOUSE_RULE, "Belga copies its Priority property into urgency; the file has no "
                                              "Urgency", None)),
     ("pub_status", "eq", "usable"),
     ("ednote", "text", "Qu'y a-t-il écrit ici?"),
     ("provider", "eq", "belga"),
     ("keywords", "has", "PRESS"), ("keywords", "has", "TV"),
     ("version", "eq", "4"),
     ("version_created", "utc", "2019-01-29T12:34:00+00:00"))
BELGA_URGENCY = "Belga copies its Priority property into urgency; the file has no Urgency"
rows(BELGA + "belga_remote_newsml_1_2.xml", S + "::BelgaRemoteNewsMLOneTestCase.test_content",
     ("version", "eq", "1", Differs(HOUSE_RULE, "Belga's parser counts versions from 1; the file's RevisionId is 0",
                                    "0")),
     ("published_at", "utc", "2019-06-03T14:02:17+00:00"),
     ("version_created", "utc", "2019-06-03T14:02:17+00:00"),
     ("pub_status", "eq", "usable"),
     ("language", "lang", "nl"),
     ("headline", "eq", "Knooppunt Schijnpoort in Antwerpen hele zomervakantie afgesloten"),
     ("priority", "eq", 3),
     ("urgency", "eq", 3, Differs(HOUSE_RULE, BELGA_URGENCY, None)),
     ("original_provider", "eq", "anp"),
     ("dateline_location", "city", "ANTWERPEN"),
     ("keywords", "has", "VERKEER"),
     ("abstract", "starts", "In Antwerpen zal het kruispunt van de Schijnpoortweg met de Noordersingel"),
     ("body", "starts", "In Antwerpen zal het kruispunt van de Schijnpoortweg met de Noordersingel en Slachthuislaan"),
     ("body", "ends", "Ook de kruispunten worden veiliger gemaakt."))
rows(BELGA + "belga_tip_newsml_1_2.xml", "belga:server/tests/io/feed_parsers/belga_tip_newsml_1_2_test.py::"
     "BelgaTipNewsMLOneTestCase.test_content",
     ("item", "eq", "story",
      Differs(NOT_A_STORY, "a Belga 'TIP' (an internal tip-off SMS, one line of text) is skipped as non_text:tip",
              "skipped:tip")))

# ---- superdesk-ntb ---------------------------------------------------------------------------
S = "ntb:server/ntb/tests/io/feed_parsers/afp_newsml_tests.py"
rows(NTB + "afp.xml", S + "::NTBAFPNewsMLTestCase.test_parsed",
     ("slug", "none", None, Differs(HOUSE_RULE, "NTB's plugin blanks the slugline; wirelake keeps AFP's", None)),
     ("urgency", "eq", 5, Differs(HOUSE_RULE, "NTB maps urgency to its own scale; wirelake keeps AFP's", None)),
     ("headline", "eq", "Burkina Faso bans imports from North Korea"))
rows(NTB + "afp_no_headline.xml", S + "::NoHeadlineTestCase.test_no_headline",
     ("headline", "eq", "Burkina Faso is banning imports from North Korea to comply with tough UN economic sanctions "
                        "punishing Pyongyang's weapons programmes, the government said Wednesday.",
      Differs(HOUSE_RULE, HEADLINE_FROM_BODY, None)))
rows(NTB + "ntb_newsml_g2.xml", "ntb:server/ntb/tests/io/feed_parsers/ntb_newsml_g2_test.py::NTBNewsML2TestCase",
     ("version", "eq", "2"),
     ("headline", "eq", "Nutrisystem beats 4Q earnings and revenue expectations"),
     ("slug", "none", None, Differs(HOUSE_RULE, "NTB's plugin blanks the slugline", None)),
     ("body", "starts", "FORT WASHINGTON, Pa. (AP) _ Nutrisystem Inc. (NTRI) on Monday reported",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "Nutrisystem Inc. (NTRI) on Monday reported")),
     ("dateline_location", "city", "FORT WASHINGTON, Pa."),
     ("dateline_agency", "agency", "AP"),
     ("body", "contains", "This story was generated by Automated Insights"),
     ("guid", "eq", "tag:ap.org,2011:5e565888b587889c5c8bd62b6164118c-text:2",
      Differs(WIRELAKE_RULE, GUID_WITH_VERSION, "tag:ap.org,2011:5e565888b587889c5c8bd62b6164118c-text")),
     ("published_at", "utc", "2018-02-26T21:20:36+00:00",
      Differs(WIRELAKE_RULE, "published_at is contentCreated when the item states it (21:20:11); Superdesk's "
                             "firstcreated is itemMeta/firstCreated", "2018-02-26T21:20:11+00:00")),
     ("urgency", "eq", 5, Differs(HOUSE_RULE, "NTB maps urgency to its own scale", None)))
S = "ntb:server/ntb/tests/io/feed_parsers/nitf_tests.py::NTBTestCase"
rows(NTB + "nitf_test.xml", S,
     ("slug", "eq", "NU-FLASH-K"),
     ("subjects", "has", "15000000"), ("subjects", "has", "15073031"), ("subjects", "has", "15054000"),
     ("genre", "has", "Tabeller og resultater"),
     ("abstract", "text", "København /ritzau/: En 41-årig mand, der onsdag blev anholdt og sat i forbindelse med en "
                          "mulig skudepisode nær en børnehave i Hvidovre ved København, er blevet løsladt."),
     ("body", "lacks", "En 41-årig mand, der onsdag blev anholdt og sat i forbindelse med en mulig skudepisode",
      Differs(WIRELAKE_RULE, LEAD_KEPT, None)),
     ("priority", "eq", 3))
S = "ntb:server/ntb/tests/io/feed_parsers/tt_newsml_test.py::TTTestCase.test_content"
rows(NTB + "tt_newsml_test.xml", S,
     ("headline", "eq", "Polen: EU hämnas för flyktingmotstånd"),
     ("guid", "eq", "urn:newsml:tt.se:20171220:TT:585167:0"),
     ("published_at", "utc", "2017-12-20T14:46:21+01:00"),
     ("abstract", "text", TT_INGRESS, Differs(HOUSE_RULE, "NTB takes TT's ingress from the body as abstract; the file's "
                                             "only description is a caption (role drol:caption, cut short)", None)),
     ("body", "starts", "För första gången sedan EU:s Lissabonfördrag trädde i kraft tar EU-kommissionen i med sin "
                          "storslägga mot ett medlemsland. Polen riskerar nu formellt indragen rösträtt - även om vägen "
                          "dit fortfarande är lång. I Warszawa tror man att åtgärden är en hämnd för landets ovilja "
                          "att ta emot flyktingar."),
     ("body", "contains", "Som väntat konstaterar därmed kommissionen att det finns risk för att Polen bryter mot EU:s "
                          "grundläggande rättigheter"),
     ("body", "ends", "Källa: Lissabonfördraget."))
S = "ntb:server/ntb/tests/io/feed_parsers/dpa_newsml_test.py::DPATestCase.test_content"
rows(NTB + "dpa_newsml_test.xml", S,
     ("headline", "eq", "Chef von Ölkonzern Eni soll wegen Nigeria-Schmiergeldern vor Gericht"),
     ("guid", "eq", "urn:newsml:dpa.com:20090101:171220-99-357156:6",
      Differs(WIRELAKE_RULE, GUID_WITH_VERSION, "urn:newsml:dpa.com:20090101:171220-99-357156")),
     ("version_created", "utc", "2017-12-20T14:49:36+01:00"),
     ("published_at", "utc", "2017-12-20T14:49:36+01:00"),
     ("body", "starts", "Rom (dpa) - Der Geschäftsführer des italienischen Energiekonzerns Eni",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "Der Geschäftsführer des italienischen Energiekonzerns Eni")),
     ("dateline_location", "city", "Rom"),
     ("body", "ends", "Es wird vermutet, dass dieses Gasfeld das größte im Mittelmeer ist."),
     ("urgency", "eq", 5, Differs(HOUSE_RULE, "NTB maps urgency to its own scale", None)))
S = "ntb:server/ntb/tests/io/feed_parsers/stt_newsml_test.py"
rows(NTB + "stt_newsml_test.xml", S + "::STTTestCase.test_content",
     ("headline", "eq", "Parliament passed the Alcohol Act and the government gained confidence*** TRANSLATED ***"),
     ("published_at", "utc", "2017-12-19T10:33:04+02:00"),
     ("body", "starts", "*** DISCLAIMER: THIS IS AN AUTOMATED TRANSLATION FROM FINNISH ***"))
rows(NTB + "stt_newsml_sport_test.xml", S + "::STTSportTestCase.test_content",
     ("headline", "eq", "Hämeen Sanomat: Ilmarinen hakee jääkiekkoseura Espoo Unitedia konkurssiin"),
     ("guid", "eq", "urn:newsml:stt.fi:20180123:101863800:1",
      Differs(WIRELAKE_RULE, GUID_WITH_VERSION, "urn:newsml:stt.fi:20180123:101863800")),
     ("published_at", "utc", "2018-01-23T13:31:01+02:00"),
     ("body", "starts", "Eläkevakuutusyhtiö Ilmarinen hakee jääkiekkoseura Espoo Unitedia konkurssiin"),
     ("body", "ends", "Espoo United on perustettu vuonna 2016."))
S = "ntb:server/ntb/tests/io/feed_parsers/ritzau_test.py::RitzauTestCase.test_content"
rows(NTB + "ritzau.xml", S,
     ("version", "eq", "1"),
     ("authors", "names", ["/ritzau/"], Differs(SUPERDESK_WRONG, RITZAU_BYLINE, ["Peder Top Poulsen"])),
     ("guid", "eq", "9a6955fc-11da-46b6-9903-439ebb288f2d"),
     ("published_at", "utc", "2018-01-30T16:32:18.397000+00:00"),
     ("body", "ends", "fordi de har finansieret lignende forsøg."))
S = "ntb:server/ntb/tests/io/feed_parsers/solita_test.py"
rows(NTB + "solita_1.xml", S + "::STTTestCase.test_content",
     ("guid", "eq", "solita-123123-17854111",
      Differs(HOUSE_RULE, "NTB's plugin prefixes its own 'solita-123123-' to the release id", None)),
     ("headline", "eq", "Signerte veikontrakt på 4 mrd. i Trøndelag"),
     ("abstract", "text", "Nye Veier har signert kontrakt med det spanske konsernet ACCIONA Construction om "
                          "E6-utbygging i Trøndelag, mellom Ranheim og Værnes. Kontrakten er en totalentreprise verdt "
                          "ca. 4 milliarder kroner, det vil si en av landets største veikontrakter."),
     ("ednote", "text", "*** Dette er en pressemelding formidlet av NTB pva. andre ***",
      Differs(HOUSE_RULE, "NTB's plugin adds its own note to every press release; it is not in the file", None)),
     ("body", "starts", "– Dette er en merkedag for Nye Veier.", Differs(WIRELAKE_RULE, LEAD_KEPT, "Nye Veier har")),
     ("body", "contains", "Byggestart er planlagt i midten av 2019. Prosjektet fullføres i 2024/2025."))
rows(NTB + "solita_2.xml", S + "::STTBodyTestCase.test_body",
     ("body", "starts", "– Det offentlige bruker en rekke private leverandører for å levere velferdstjenester",
      Differs(WIRELAKE_RULE, LEAD_KEPT, "Et nytt ekspertutvalg skal gå igjennom")),
     ("body", "contains", "Utvalget som nå nedsette vil være et viktig supplement til disse arbeidene."))
rows(NTB + "solita_3.xml", S + "::STTDocumentsTestCase.test_body",
     ("body", "starts", "6244 bedrifter har gått overende de siste 12 månedene.",
      Differs(WIRELAKE_RULE, LEAD_KEPT, None)))

rows(NTB + "solita_se_1.xml", "ntb:server/ntb/tests/io/feed_parsers/solita_se_test.py::STTTestCase.test_content",
     # Superdesk's item 0 is the Norwegian release, the file's second NewsItem
     ("headline", "eq", "Dette er tittelen"),
     ("guid", "eq", "solita-se_ntb:announcement:8-no",
      Differs(HOUSE_RULE, "NTB's plugin makes its own 'solita-se_' guid; wirelake keeps the file's identifier",
              "urn:newsml:nordicir.com:20190402:ntb:announcement:8-no:1")),
     ("slug", "eq", "Cypress Test publisher",
      Differs(HOUSE_RULE, "NTB's plugin files the publisher's name as slugline", None)),
     ("urgency", "eq", 5, Differs(HOUSE_RULE, "NTB maps urgency to its own scale", 4)),
     ("ednote", "text", "*** Dette er en børsmelding formidlet av NTB pva. andre ***",
      Differs(HOUSE_RULE, "NTB's plugin adds its own note to every stock-exchange release; it is not in the file",
              None)),
     ("body", "contains", "Dette er ingressen"),
     ("body", "contains", "Dette er brødteksten. Dette er brødteksten."), index=1)
rows(NTB + "ntbttninjs.json", "ntb:server/ntb/tests/io/feed_parsers/ntb_tt_ninjs_test.py::NTBTTNINJSTestCase.test_item",
     ("version_created", "utc", "2020-07-02T20:04:47+00:00"),
     # the test compares body_html with ntbttsanitised.html, which opens with these blocks
     ("body", "starts", "Krisen allt djupare – Mellberg sämst någonsin Fotboll TT Bottenmötet mellan HIF",
      Differs(WIRELAKE_RULE, "the headline repeated as the body's <h1>, the vignette ('Fotboll') and the source "
                             "line ('TT') are not story text", "Bottenmötet mellan HIF och Mjällby")))

# ---- superdesk-cp ----------------------------------------------------------------------------
rows(CP + "businesswire/20210130005024r1.xml", "cp:server/tests/ingest/parser/businesswire_test.py::"
     "BusinessWireTestCase.test_parser",
     ("headline", "eq", "Interactive Brokers Lifts All Trading Restrictions on Options"),
     ("abstract", "text", "Interactive Brokers lifts all trading restrictions on options"))
S = "cp:server/tests/ingest/parser/globenewswire_test.py::GlobeNewswireParserTestCase"
rows(CP + "globenewswire/0b78.xml", S + ".test_parser",
     ("authors", "names", []),
     ("language", "lang", "en-CA"),  # the same primary language as the file's en-US
     ("pub_status", "eq", "usable"),
     ("keywords", "has", "TSX VENTURE:AXL"), ("keywords", "has", "OTC:NTGSF"),
     ("body", "starts", "CALGARY", Differs(WIRELAKE_RULE, DATELINE_OUT, None)),
     ("dateline_location", "city", "CALGARY, Alberta"),
     ("dateline_agency", "agency", "GLOBE NEWSWIRE"))
rows(CP + "globenewswire/fr.xml", S + ".test_fr",
     ("language", "lang", "fr-CA"))  # the same primary language as the file's fr-FR
rows(CP + "globenewswire/202006097942547-en.newsml", S + ".test_abstract",
     ("abstract", "text", "FOR: AUXLY CANNABIS GROUP INC. TORONTO, June 09, 2020 (GLOBE NEWSWIRE) -- Auxly Cannabis "
                          "Group Inc. (TSX.V: XLY) (OTCQX: CBWTF) (“Auxly” or the “Company”) has issued an "
                          "additional $3 million worth of",
      Differs(HOUSE_RULE, "CP composes an abstract from the first 50 words of the body; the file has no abstract",
              None)),
     ("dateline_location", "city", "TORONTO"))
rows(CP + "globenewswire/tables.newsml", S + ".test_parse_tables", ("body", "lacks", "</strong>"))
S = "cp:server/tests/ingest/parser/ap_test.py::CP_AP_ParseTestCase"
rows(CP + "ap/item.json", S + ".test_parse",
     ("headline", "eq", "headline1"),
     ("urgency", "eq", 5, Differs(HOUSE_RULE, "CP maps AP's urgency 4 to its own 5", 4)),
     ("authors", "names", ["Margaret Austin"]),
     ("keywords", "has", "General news",
      Differs(HOUSE_RULE, "CP turns AP's subject terms into keywords; wirelake keeps them as subjects", None)),
     ("genre", "has", "Feature"),
     ("dateline_location", "city", "CHEYENNE, Wyo."),
     ("original_provider", "provider", "Wyoming Tribune Eagle"),
     ("place", "has", "Cheyenne"))
rows(CP + "ap/picture.json", S + ".test_parse_picture", ("item", "eq", "skipped:picture"))
for name in ("ap-sports.json", "ap-aps.json", "ap-subject.json"):
    rows(CP + "ap/" + name, S, ("item", "eq", "story", Differs(NOT_A_STORY, "the AP Media item carries no text, only a link to its NITF rendition, which a batch ETL does not fetch: skipped as no_body_inline", "skipped:no_body_inline")))

# ---- superdesk-ansa --------------------------------------------------------------------------
S = "ansa:server/ansa/parser/parser_test.py::ANSAParserTestCase"
rows(ANSA + "located.xml", S + ".test_located",
     ("dateline_location", "city", "NAPOLI"),
     ("dateline_agency", "agency", "ANSA"))
rows(ANSA + "photo.xml", S + ".test_photo", ("item", "eq", "skipped:picture"))
rows(ANSA + "semantics_wrong_json.xml", S + ".test_parse_semantics_error", ("item", "eq", "skipped:picture"))
rows(ANSA + "culture.xml", S + ".test_culture",
     ("body", "contains", "(ANSA) - ROMA, 1 LUG - TEST FROM XAWES",
      Differs(WIRELAKE_RULE, DATELINE_OUT, "TEST FROM XAWES")),
     ("dateline_location", "city", "ROMA"),
     ("keywords", "has", "culture"), ("keywords", "has", "arts"), ("keywords", "has", "fashion"))
