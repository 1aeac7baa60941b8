"""Golden stories: real corpus items, read and normalized the way the flow does.

Each row of ``GOLDEN`` is one story of ``../shared/corpora`` (see SOURCES.md),
with the values an analyst expects *from the source*: the cleaned headline and
its prefix columns, the dateline, the people, the UTC publication time and how
sure it is, where the body starts and ends, who delivered and who wrote it.

A row whose normalization is known to be wrong is an ``xfail(strict=True)``
with the defect in its reason; its expected values are still the correct ones,
so the row turns into an (unexpected) pass, and fails loudly, once fixed.

Credits are compared as a multiset of (name, role). Credits with the role
``byline`` are left out of that comparison (the byline is checked through
``authors``); whether a source byline must also be a credit is pinned by
``test_source_byline_is_a_credit`` below.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.golden import normalized_items

SKIP = "<not checked>"  # a field that has no meaningful value for that story

CORE = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
AAP = "superdesk-feed-fixtures/superdesk-aap/server/aap/tests/io/fixtures/"
BELGA = "superdesk-feed-fixtures/superdesk-belga/server/tests/io/fixtures/"
NTB = "superdesk-feed-fixtures/superdesk-ntb/server/ntb/tests/io/fixtures/"
DPA = "dpa-newsml-g2-2017/20170629-dpa-sample/"
WEB = "reuters-web-raw/"
BENCH = WEB + "article-extraction-benchmark/html/"
R21578 = "reuters21578/"
AG = "ag-news/data/ag_news_csv/test.csv"
YAHOO = "yahoo-finance-news-please/data/"
CP = "superdesk-feed-fixtures/superdesk-cp/server/tests/ingest/parser/fixtures/"
STT = "superdesk-feed-fixtures/superdesk-stt/server/tests/fixtures/"
ANSA = "superdesk-feed-fixtures/superdesk-ansa/server/ansa/parser/"


@functools.cache
def _stories(relative: str) -> dict[int, dict]:
    """Every normalized story of one corpus file, by item index (read once per file)."""
    return {int(row["raw_uri"].rsplit("#", 1)[1]): row for row in normalized_items(relative)}


def story(relative: str, index: int = 0) -> dict:
    stories = _stories(relative)
    if index not in stories:
        raise LookupError(f"no story #{index} in {relative} (rejected or skipped by the parser)")
    return stories[index]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass(frozen=True)
class Golden:
    path: str
    index: int
    headline: str | None
    provider: str | None
    published_at: datetime | None
    published_tz_source: str | None
    body_start: str | None  # None: the story has no body
    body_end: str | None
    original_provider: str | None = None
    version_marker: str | None = None
    status_marker: str | None = None
    story_kind: str | None = None
    desk: str | None = None
    slug: str | None = None
    dateline_location: str | None = None
    dateline_agency: str | None = None
    authors: tuple[str, ...] = ()
    credits: tuple[tuple[str, str], ...] = ()  # (name, role), role "byline" not listed
    language: str | None = "en"
    pub_status: str = "usable"
    contains: tuple[str, ...] = ()  # must be somewhere in the body
    excludes: tuple[str, ...] = ()  # must be nowhere in the body
    extra: tuple[tuple[str, object], ...] = ()  # any other column: (name, expected)


def case(id_: str, golden: Golden, defect: str | None = None):
    marks = [pytest.mark.xfail(strict=True, reason=defect)] if defect else []
    return pytest.param(golden, id=id_, marks=marks)


GOLDEN = [
    # ---- seed: reuters.com 2018-2020 layout as scraped plain text ------------------------
    case("seed", Golden(
        "seed/000_9162bee93abea508.txt", 0,
        headline="North Korea halts U.N. charm offensive over human rights record",
        provider="reuters",
        # "November 10, 2014 / 11:22 PM / 5 years ago": crawler-local time, no zone
        published_at=utc(2014, 11, 10, 23, 22), published_tz_source="assumed",
        body_start="A rare diplomatic charm offensive by North Korea appears to be over",
        body_end="in its attempt to smear the image of the dignified DPRK and overthrow its ideology "
                 "and social system under the pretext of the fictitious ‘human rights issues’,” "
                 "the North Korean statement said.",
        dateline_location="UNITED NATIONS", dateline_agency="Reuters",
        authors=("Michelle Nichols",),
        credits=(("Michelle Nichols", "reporting"), ("Grant McCool", "editing")),
        excludes=("0 : 0", "narrow-browser-and-phone", "landscape-tablet-and-below",
                  "Reporting by", "5 years ago"),
    )),
    # ---- Reuters-21578 (SGML, 1987) --------------------------------------------------------
    case("r21578-author-dateline", Golden(
        R21578 + "reut2-000.sgm", 3,  # NEWID 4
        headline="TALKING POINT/BANKAMERICA <BAC> EQUITY OFFER",  # &lt; decoded, > literal
        provider="reuters",
        published_at=utc(1987, 2, 26, 15, 7, 13, 720000), published_tz_source="assumed",
        body_start="BankAmerica Corp is not under pressure to act quickly on its proposed equity "
                   "offering",
        body_end="similar to way Mexico's debt was, minimizing losses to the creditor banks.",
        slug="BC-TALKING-POINT/BANKAME",  # from <UNKNOWN>'s ANPA slug line
        dateline_location="LOS ANGELES",  # <DATELINE>    LOS ANGELES, Feb 26 - : no agency named
        authors=("Janie Gabbett",),  # <AUTHOR>    by Janie Gabbett, Reuters
        excludes=("Reuter\n", "&#3;", "\x03", "&lt;"),
    )),
    case("r21578-brief", Golden(
        R21578 + "reut2-000.sgm", 29,  # NEWID 30, TYPE="BRIEF": title only ("Blah blah blah.")
        headline="ASSETS OF MONEY MARKET MUTUAL FUNDS ROSE 720.4 MLN DLRS IN LATEST WEEK",
        provider="reuters",
        published_at=utc(1987, 2, 26, 15, 41, 56, 540000), published_tz_source="assumed",
        body_start=None, body_end=None,
        slug="BC-******ASSETS-OF-MONEY",
    )),
    case("r21578-unproc", Golden(
        R21578 + "reut2-000.sgm", 98,  # NEWID 99, TYPE="UNPROC": a table, no TITLE, no BODY
        headline=None,
        provider="reuters",
        published_at=utc(1987, 2, 26, 16, 34, 34, 400000), published_tz_source="assumed",
        body_start="FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26\nTwo weeks ended Feb 25",
        body_end="Treasury deposits...........4,208 down......63",
        slug="BC--FEDERAL-RESERVE-WEEK",
        language=SKIP,  # a table
        excludes=("Reuter", "\x02", "\x03"),
    )),
    case("r21578-impossible-hour", Golden(
        R21578 + "reut2-017.sgm", 191,  # NEWID 17192, <DATE>31-MAR-1987 605:12:19.12
        headline="KUMAGAI GUMI'S UNIT SEEKS LISTING IN HONG KONG",
        provider="reuters",
        published_at=utc(1987, 3, 31), published_tz_source="salvaged_date",
        body_start="A subsidiary of the Japanese construction group Kumagai Gumi Co Ltd <KUMT.TOK> "
                   "is seeking to float its shares",
        body_end="But he added the Cheung Kong group will have no interest in the construction firm.",
        slug="BC-KUMAGAI-GUMI'S-UNIT-S",
        dateline_location="HONG KONG",
        extra=(("published_raw", "31-MAR-1987 605:12:19.12"),),
    )),
    case("r21578-0xFC-byte", Golden(
        R21578 + "reut2-017.sgm", 979,  # NEWID 17980: raw 0xFC then &#5;&#30; mid-sentence
        headline="LAWSON SAYS LOUVRE CURRENCY ACCORD SATISFACTORY",
        provider="reuters",
        # "<DATE> 2-JUN-1987 09:14:36.57": leading space
        published_at=utc(1987, 6, 2, 9, 14, 36, 570000), published_tz_source="assumed",
        body_start="The Louvre agreement by the Group of Seven finance ministers and central bankers "
                   "to stabilise currencies has worked well",
        body_end="He also said the dismantling of farm subsidies would be discussed at the summit. "
                 "\"There is a consensus, which we have to push further.\"",
        slug="BC-LAWSON-SAYS-LOUVRE-CU",
        dateline_location="LONDON",
        # decoded as latin-1 (never a U+FFFD), control codes gone
        contains=("world economic growth.\u00fcside measures to boost growth, he said.",),
        excludes=("\ufffd", "\x05", "\x1e"),
    )),
    # ---- reuters.com HTML pages, RSS --------------------------------------------------------
    case("web-2014-newspaper", Golden(
        WEB + "newspaper/html/reuters.com1.html", 0,
        headline="Sensex ends flat; weaker Asian markets offset reform hopes",
        provider="reuters",
        published_at=utc(2014, 12, 30, 11, 3), published_tz_source="source",  # 4:33pm IST
        body_start="The BSE Sensex and Nifty ended flat on Tuesday as weaker regional shares "
                   "offset optimism",
        body_end="Reliance Industries (RELI.NS) closed down 1.9 percent and Oil and Natural Gas "
                 "Corp (ONGC.NS) ended down 1.5 percent.",
        dateline_location="MUMBAI", dateline_agency="Reuters",
        authors=("Indulal PM",),
        credits=(("Indulal PM", "reporting"), ("Sunil Nair", "editing")),
    )),
    case("web-2016-postlight", Golden(
        WEB + "postlight-parser/www.reuters.com.html", 0,
        headline="Fed lifts rates, sees faster pace of hikes in Trump's first year",
        provider="reuters",
        published_at=utc(2016, 12, 14, 6, 2, 15), published_tz_source="source",
        body_start="The U.S. Federal Reserve raised interest rates on Wednesday and signaled a "
                   "faster pace of increases in 2017",
        body_end="when the Fed cut rates to near zero and deployed other tools such as massive "
                 "bond purchases to stabilize the economy.",
        slug="US-USA-FED",
        dateline_location="WASHINGTON", dateline_agency="Reuters",
        authors=("Howard Schneider", "Lindsay Dunsmuir"),  # <meta name="author">
        credits=(("Howard Schneider", "reporting"),
                 ("Lindsay Dunsmuir", "additional reporting"),
                 ("Jason Lange", "additional reporting"),
                 ("Ann Saphir", "additional reporting"),
                 ("Jonathan Spicer", "additional reporting"),
                 ("Karen Brettell", "additional reporting"),
                 ("David Chance", "editing"), ("Paul Simao", "editing")),
        excludes=("Our Standards", "Reporting by"),
    )),
    case("web-2018-articleheader-date", Golden(
        WEB + "blueprints-text/what-is-5g-and-who-are-the-major-players-idUSKCN1GR1IN.html", 0,
        headline="What is 5G and who are the major players?",
        provider="reuters",
        # ArticleHeader_date "March 15, 2018 /  11:37 AM / 2 years ago"; the meta time wins
        published_at=utc(2018, 3, 15, 11, 36, 28), published_tz_source="source",
        body_start="U.S. President Donald Trump has blocked microchip maker Broadcom Ltd’s (AVGO.O) "
                   "$117 billion takeover of rival Qualcomm (QCOM.O)",
        body_end="which has helped spur complex cross-licensing agreements like the deal struck "
                 "late last year Nokia and Huawei around handsets.",
        slug="US-QUALCOMM-M-A-BROADCOM-5G",
        dateline_location="LONDON/SAN FRANCISCO", dateline_agency="Reuters",
        # byline bar "Eric Auchard, Stephen Nellis"; JSON "authors" lists both
        authors=("Eric Auchard", "Stephen Nellis"),
        credits=(("Kim Miyoung", "editing"), ("Jason Neely", "editing")),
        excludes=("Min Read", "2 years ago", "Our Standards", "Editing by"),
    )),
    case("web-2019-articleheader-date-benchmark", Golden(
        BENCH + "57d46c9d751e3fd3ffaf3ede7ac20cebd30eacb5ea78e1a6aa0a72059244e7ca.html.gz", 0,
        # the URL slug says "asian-shares-soft-..." but the story was rewritten in place
        headline="Oversupply angst drags oil lower, stocks drift near highs",
        provider="reuters",
        published_at=utc(2019, 11, 19, 21, 57, 1), published_tz_source="source",
        body_start="Oil prices fell sharply on Tuesday on oversupply concerns, while a gauge of "
                   "stocks across the globe rose for a seventh straight session",
        body_end="(Graphic: Emerging markets in 2019 - here)",
        slug="US-GLOBAL-MARKETS",
        dateline_location="NEW YORK", dateline_agency="Reuters",
        authors=("Rodrigo Campos",),
        credits=(("Rodrigo Campos", "reporting"),
                 ("Stephanie Kelly", "additional reporting"),
                 ("Saqib Iqbal Ahmed", "additional reporting"),
                 ("Gertrude Chavez-Dreyfuss", "additional reporting"),
                 ("Nick Zieminski", "editing"), ("Dan Grebler", "editing")),
        excludes=("REUTERS/Brendan McDermid", "Min Read", "Updated 14 hours ago", "Our Standards"),
    )),
    case("web-2020-trafilatura", Golden(
        WEB + "trafilatura/reuters.com.parasite.html", 0,
        headline="'Parasite' scores historic upset at SAG awards, boosting Oscar chances",
        provider="reuters",
        published_at=utc(2020, 1, 19, 12, 25, 36), published_tz_source="source",
        body_start="South Korean thriller “Parasite” was the upset winner at the Screen Actors "
                   "Guild (SAG) awards on Sunday",
        body_end="“This whole thing has been a dream and if I wake up tomorrow and find it’s been "
                 "just that, thank you. It’s been the most beautiful dream,” Waller-Bridge said.",
        slug="US-AWARDS-SAG",
        dateline_location="LOS ANGELES", dateline_agency="Reuters",
        authors=("Jill Serjeant",),
        credits=(("Steve Gorman", "additional reporting"), ("Marguerita Choy", "editing"),
                 ("Nick Zieminski", "editing"), ("Simon Cameron-Moore", "editing")),
        excludes=("Our Standards", "Editing by"),
    )),
    case("web-ap-hosted", Golden(
        BENCH + "e7994d5500875202d93e736e8f0c8a0436107d10add94ce3789001b8c5c32358.html.gz", 0,
        headline="UK Tories under fire for Twitter name switch during debate",
        provider="ap",
        published_at=utc(2019, 11, 20, 11, 1, 44), published_tz_source="source",  # -05:00
        body_start="Britain's Conservative Party was accused Wednesday of trying to deceive voters",
        body_end="Follow AP's full coverage of Brexit and British politics at "
                 "https://www.apnews.com/Brexit",
        # <div id="ap-story-slug">BC-EU--Britain-Brexit-Election, 1st Ld-Writethru</div>
        slug="BC-EU--Britain-Brexit-Election", version_marker="1st Ld-Writethru",
        dateline_location="LONDON", dateline_agency="AP",
        authors=("DANICA KIRKA", "JILL LAWLESS"),
    )),
    case("web-rss", Golden(
        WEB + "blueprints-text/worldNews.rss", 0,
        headline="Mexico City to begin gradual exit from lockdown on Monday",
        provider="reuters",
        published_at=utc(2020, 6, 13, 0, 25, 17), published_tz_source="source",  # -0400
        body_start="The mayor of Mexico City said on Friday the Mexican capital will next week "
                   "lift restrictions",
        body_end="even though new cases of coronavirus are still rising.",
        excludes=("feedflare", "feedburner", "<img", "<div"),
        extra=(("guid", "https://www.reuters.com/article/us-health-coronavirus-mexico-city/"
                        "mexico-city-to-begin-gradual-exit-from-lockdown-on-monday-idUSKBN23K00R"),),
    )),
    # ---- dpa NewsML-G2 (2017) ----------------------------------------------------------------
    case("dpa-g2-offset-nonpublic", Golden(
        DPA + "urn:newsml:dpa.com:20090101:170629-99-40895.xml", 0,
        headline="Jugendliche demolieren neue Schule: Hunderttausende Euro Schaden",
        provider="dpa",
        published_at=utc(2017, 6, 29, 16, 2, 35), published_tz_source="source",  # +02:00
        body_start="Zwei etwa 13 bis 15 Jahre alte Jungen haben in einer neu gebauten Schule im "
                   "westfälischen Hamm randaliert",
        body_end="Die Schäden seien aber vergleichsweise gering ausgefallen, sagte ein "
                 "Polizeisprecher.",
        slug="Kriminalität/Nordrhein-Westfalen/Schulen",
        dateline_location="Hamm", dateline_agency="dpa",
        credits=(("bakmaz.aleksandra", "creator"), ("bakmaz.aleksandra", "contributor"),
                 ("bock", "contributor")),
        language="de",
        excludes=("nicht zur Veröffentlichung", "Pressestelle Polizei", "dahlmann",
                  "Notizblock", "dpa wd yynwe", "(dpa) -"),
    )),
    # ---- Reuters NewsML-G2 (superdesk fixtures) ------------------------------------------------
    case("reuters-g2-precious", Golden(
        CORE + "tag_reuters.com,0000_newsml_L4N1FL0N0_1132689232", 0,
        headline="Gold rises as Trump policy fuels safe haven demand",  # PRECIOUS-Gold rises ...
        provider="reuters",
        published_at=utc(2017, 1, 31, 3, 47, 29), published_tz_source="source",
        body_start="* Spot gold may edge up to $1,205 per ounce- technicals",
        body_end="Palladium rose 0.7 percent, to $745.40 per ounce.",
        desk="PRECIOUS", slug="GLOBAL-PRECIOUS/ (UPDATE 1)",
        dateline_agency="Reuters",  # "Jan 30 (Reuters) -": a date, no place
        authors=("Arpan Varghese",),
        credits=(("Reuters", "creator"), ("Arpan Varghese", "reporting"),
                 ("Joseph Radford", "editing"), ("Richard Pullin", "editing")),
        excludes=("(Adds comments, detail)", "By Arpan Varghese", "(Reuters) -", "Reporting by"),
    )),
    case("reuters-g2-global-markets", Golden(
        AAP + "tag:reuters.com,2018:newsml_L3N1X604Z:536317572", 0,
        headline="Asian shares struggle to shake off rout despite Wall St bounce",
        provider="reuters",
        published_at=utc(2018, 10, 26, 1, 13, 30), published_tz_source="source",
        body_start="* MSCI Asia Ex-Japan -0.06 pct",
        body_end="Spot gold was flat at $1,231.75 per ounce. ($1 = 0.8794 euros)",
        desk="GLOBAL MARKETS", slug="GLOBAL-MARKETS/ (WRAPUP 1)",
        dateline_location="SHANGHAI", dateline_agency="Reuters",
        authors=("Andrew Galbraith",),
        credits=(("Reuters", "creator"), ("Andrew Galbraith", "reporting"),
                 ("Shri Navaratnam", "editing")),
        excludes=("SHANGHAI, Oct 26 (Reuters) -", "Reporting by"),
    )),
    case("reuters-g2-update", Golden(
        AAP + "reuters_byline_in_body.xml", 0,
        headline="Statue of Liberty to reopen; shutdown keeps other parks, monuments closed",
        provider="reuters",
        published_at=utc(2018, 1, 21, 20, 23, 15), published_tz_source="source",
        body_start="The Statue of Liberty will reopen on Monday even if the U.S. government "
                   "shutdown extends into the work week",
        body_end="Republican Governor Dennis Daugaard has said he would not take any action to keep "
                 "the monument open during a shutdown.",
        version_marker="UPDATE 1", slug="USA-SHUTDOWN/TOURISTS (UPDATE 1, PIX, TV)",
        dateline_location="NEW YORK", dateline_agency="Reuters",
        authors=("Joseph Ax",),
        credits=(("Reuters", "creator"), ("Joseph Ax", "reporting"),
                 ("Frank McGurty", "editing"), ("Jeffrey Benkoe", "editing")),
        excludes=("(Adds Gov. Cuomo's", "By Joseph Ax", "Reporting by"),
    )),
    case("reuters-g2-corrected", Golden(
        CORE + "tag_reuters.com_2016_newsml_L1N14N0FF_version_978556838", 0,
        headline="S. Illinois battles flooding as Mississippi River builds downstream",
        provider="reuters",
        published_at=utc(2016, 1, 4, 15, 43, 34), published_tz_source="source",
        body_start="Residents of flooded areas in far southern Illinois anxiously waited for the "
                   "swollen Mississippi River to peak on Sunday",
        # the corrected last paragraph: a capacity, not barrels per day
        body_end="which has a capacity of 340,000 barrels, as flood waters threatened to "
                 "inundate it.",
        status_marker="CORRECTED", slug="USA-WEATHER/ (UPDATE 1, PIX, CORRECTED)",
        dateline_agency="Reuters",  # "Jan 3 (Reuters) -"
        authors=("David Bailey", "Erwin Seba", "Tim Ghianni"),
        credits=(("Reuters", "creator"), ("David Bailey", "reporting"), ("Erwin Seba", "reporting"),
                 ("Tim Ghianni", "reporting"), ("Dan Grebler", "editing")),
        excludes=("(In Jan. 3 story, corrects", "(Reuters) -", "Reporting by"),
    )),
    case("reuters-g2-canceled", Golden(
        CORE + "tag_reuters.com_2016_newsml_L1N14N0FF_version_1542761538", 0,
        headline="S. Illinois battles flooding as Mississippi River builds downstream",
        provider="reuters",
        published_at=utc(2016, 1, 4, 16, 34, 45), published_tz_source="source",
        body_start=None, body_end=None,
        status_marker="CORRECTED", slug="USA-WEATHER/ (UPDATE 1, PIX, CORRECTED)",
        credits=(("Reuters", "creator"),),
        pub_status="canceled",
        extra=(("guid", "tag:reuters.com,0000:newsml_L1N14N0FF"), ("version", "1542761538")),
    )),
    case("ap-g2", Golden(
        CORE + "ap.xml", 2,
        headline="Scripps Networks tops 4Q profit and revenue expectations",
        provider="ap",
        published_at=utc(2018, 2, 26, 21, 26, 10), published_tz_source="source",
        body_start="Scripps Networks Interactive Inc. (SNI) on Monday reported fourth-quarter "
                   "earnings of $65.9 million.",
        body_end="Access a Zacks stock report on SNI at https://www.zacks.com/ap/SNI",
        slug="BC-US--Earns-Scripps Networks",
        dateline_location="KNOXVILLE, Tenn.", dateline_agency="AP",
    )),
    # ---- NITF ---------------------------------------------------------------------------------
    case("nitf-pa-latin1-declared-utf8", Golden(
        CORE + "pa4.xml", 0,
        headline="GREAT BRITISH BAKE OFF COOKS UP TOP FIVE MOST-WATCHED SHOWS OF 2016",
        provider="pa",
        published_at=utc(2016, 10, 3, 14, 22, 57), published_tz_source="source",  # +0100
        body_start="The Great British Bake Off has made a clean sweep of the top five "
                   "most-watched programmes of the year so far.",
        body_end="10. Britain's Got Talent (ITV) April 30: 11.87 million",
        slug="PA-HHH-SHOWBIZ-BakeOff",
        authors=("Ian Jones",),  # <byline>By Ian Jones, Press Association</byline>
        contains=("a reported £25 million a year",),
        excludes=("Â£",),
    )),
    case("nitf-aap", Golden(
        CORE + "aap.xml", 0,
        headline="The main stories on today's 1900 ABC TV news",
        provider="aap",
        published_at=utc(2013, 10, 20, 8, 27, 51), published_tz_source="source",  # +1100
        body_start="The main stories on ABC television's 1900 news:",
        body_end="5. The Syrian conflict report on how children in refugee camps are vulnerable "
                 "to abuse.",
        slug="Monitor 1900 ABC News",
        dateline_location="Sydney",
        authors=("John Doe",),
    )),
    case("nitf-ap", Golden(
        CORE + "ap-nitf.xml", 0,
        headline="Can trading pollution like stocks help fight climate change?",
        provider="ap",
        published_at=utc(2015, 12, 10, 19, 10, 44), published_tz_source="source",
        body_start="The gas produced by hog manure at farms across the U.S. punches holes in the "
                   "ozone layer",
        body_end="His work can be found at http://www.bigstory.ap.org/content/bernard-condon .",
        dateline_location="NEW YORK", dateline_agency="AP",
        authors=("BERNARD CONDON",),  # <byline>By BERNARD CONDON<byttl>AP Business Writer
    )),
    # ---- NewsML 1.x -----------------------------------------------------------------------------
    case("newsml1-afp", Golden(
        CORE + "afp.xml", 0,
        headline="Sweden court accepts receivership for Saab carmaker",
        provider="afp",
        published_at=utc(2014, 8, 29, 13, 49, 51), published_tz_source="source",
        body_start="A Chinese-owned company set up to take over Saab's assets after the troubled "
                   "Swedish carmaker's bankruptcy",
        body_end="under NEVS ownership the company has targeted the Chinese market with a line of "
                 "electric cars.",
        slug="Sweden-SAAB",
        dateline_location="STOCKHOLM", dateline_agency="AFP",
    )),
    case("newsml1-belga", Golden(
        BELGA + "belga_newsml_1_2.xml", 0,
        headline="Mediawatch dinsdag 29/01/2019 - VTM Nieuws - 13 uur",
        provider="belga",
        # FirstCreated 20190129T124550, no zone: Brussels time (CET)
        published_at=utc(2019, 1, 29, 11, 45, 50), published_tz_source="provider_default",
        body_start="Steven Van Geel gaf zich op 31 mei 2014 aan bij de politie van zijn "
                   "thuisstad Leuven.",
        body_end="Praesent sapien massa, convallis a pellentesque nec, egestas non nisi.",
        dateline_location="BRUSSEL",
        credits=(("DWM", "author"), ("(TIP)", "editor")),
        language="nl",
    )),
    case("newsml1-businesswire", Golden(
        "iptc-ninjs/examples/NewsML/businesswire-newsml-20130515006361.xml", 0,
        headline="Dell Redefines Workstation Computing Boundaries with Smallest Tower and Most "
                 "Powerful Rack Workstations",
        provider="businesswire",
        published_at=utc(2013, 5, 16, 4, 1), published_tz_source="source",
        body_start="Dell today announced an expanded and stronger Dell Precision workstation "
                   "portfolio",
        body_end="Availability of Dell Precision T1700s in Argentina in the coming months",
        slug="TX-DELL",
        dateline_location="ROUND ROCK, Texas",
        # source bytes are double-encoded UTF-8: "worldâ€™s", "Fashion,â€\x9d", "lightestÂ¹"
        contains=("the world’s most powerful rack workstation",
                  "Industrial Design and Fashion,” said Dr. Elisa Stephens",
                  "lightest¹ workstation"),
        excludes=("â€", "Â"),
    )),
    # ---- ninjs ----------------------------------------------------------------------------------
    case("ninjs14-businesswire", Golden(
        "iptc-ninjs/examples/1.4/businesswire-newsml-20130515006361.json", 0,
        headline="Dell Redefines Workstation Computing Boundaries with Smallest Tower and Most "
                 "Powerful Rack Workstations",
        provider="businesswire",
        published_at=utc(2013, 5, 16, 4, 1), published_tz_source="source",
        body_start="Dell today announced an expanded and stronger Dell Precision workstation "
                   "portfolio",
        body_end="smart design for entry-level and high-end workstation users.",  # only one <p>
    )),
    case("ninjs21-dpa-de", Golden(
        "iptc-ninjs/examples/2.1/dpa_text.json", 0,
        headline="Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?",
        provider="dpa",
        published_at=utc(2019, 5, 10, 14, 2, 28), published_tz_source="source",  # +02:00
        body_start="Für Lucien Favre war es «der größte Skandal im Fußball seit Jahren».",
        body_end="Auch künftig dürfte es daher zu Diskussionen um die richtige Auslegung der "
                 "Bestimmungen kommen.",
        authors=("Christian Hollmann",),  # "by": "Von Christian Hollmann, dpa"
        language="de",
        excludes=("<section", "<p>"),
    )),
    case("ninjs21-ntb-no", Golden(
        "iptc-ninjs/examples/2.1/ntb_text.json", 0,
        headline="Google har kjøpt giganttomt i Skien",
        provider="ntb",
        published_at=utc(2019, 8, 9, 9, 30, 4), published_tz_source="source",  # firstcreated
        body_start="IT-giganten Google har kjøpt en tomt på nærmere 2.000 mål i Skien",
        body_end="i tilfelle det blir behov for flere datasentre i Europa.",
        slug="skien-google",
        language="no",  # nb-NO
    )),
    case("ninjs21-tt-sv", Golden(
        "iptc-ninjs/examples/2.1/tt_text_image_2.json", 0,
        headline="Militärövning i jätteformat hålls 2023",
        provider="tt",
        published_at=utc(2021, 5, 26, 11, 40, 18), published_tz_source="source",  # +02:00
        body_start="Pandemin satte stopp för den stora internationella militärövningen Aurora 2020",
        body_end="Men det är alldeles för tidigt att säga i vilken omfattning och vilka "
                 "internationella partners som deltar.",
        slug="militärövning",
        language="sv",
        excludes=("Försvar TT",),  # the headline/section lines heading the text body
    )),
    # ---- ANPA-1312 (AP) -------------------------------------------------------------------------
    case("anpa-writethru", Golden(
        CORE + "ap_anpa-1.tst", 0,
        headline="Deng has 30 points, short-handed Heat beat Hawks 115-111",
        provider="ap",
        published_at=utc(2016, 2, 20, 3, 37), published_tz_source="source",  # AP-WF-02-20-16 0337GMT
        body_start="Luol Deng scored 30 points and Josh McRoberts had 19 _ season highs for each "
                   "player _ and the Miami Heat",
        body_end="Hawks: Host Milwaukee on Saturday night.",
        # "BC-BKN--Heat-Hawks 1stLd-Writethru   02-20 0500"
        slug="BC-BKN--Heat-Hawks", version_marker="1stLd-Writethru",
        dateline_location="ATLANTA", dateline_agency="AP",  # "ATLANTA (AP) _"
        authors=("CHARLES ODUM",),
        excludes=("ATLANTA (AP)", "AP Sports Writer", "AP-WF-02-20-16", "\x03"),
        extra=(("version", "1stLd-Writethru"),),
    )),
    case("anpa-two-bylines", Golden(
        CORE + "anpa-1.tst", 0,
        headline="For Argentine chemo patients, mirrors can hurt",
        provider="ap",
        published_at=utc(2013, 11, 13, 15, 9), published_tz_source="source",
        body_start="For cancer patients dealing with the physical and psychological trauma of the "
                   "disease",
        body_end="APTN contributor Kacey Cherry in Buenos Aires helped with this story.",
        # the header's 24-character slug field "BC-LT--Argentina-CancerB" is this keyword cut short
        slug="BC-LT--Argentina-Cancer Beauty",
        dateline_location="BUENOS AIRES, Argentina", dateline_agency="AP",
        authors=("PAUL BYRNE", "ALMUDENA CALATRAVA"),  # "By PAUL BYRNE and ALMUDENA CALATRAVA="
        excludes=("(AP) _", "Associated Press="),
    )),
    # ---- IPTC 7901 (dpa) ----------------------------------------------------------------------
    case("iptc7901", Golden(
        CORE + "IPTC7901.txt", 0,
        headline="Germany Social Democrats: Coalition talks with Merkel could fail",
        provider="dpa",
        published_at=utc(2013, 11, 13, 11, 37), published_tz_source="source",  # 131137 GMT Nov 13
        body_start="Negotiations between German conservatives headed by Chancellor Angela Merkel",
        body_end="A \"yes\" vote will allow Merkel to be sworn in for a third term before Christmas.",
        slug="Germany-politics",
        dateline_location="Berlin", dateline_agency="dpa",
    )),
    case("iptc7901-latin1-1st-lead", Golden(
        CORE + "IPTC7901_odd_charset.txt", 0,
        headline="German football saddened by illness to striker legend Mueller",
        provider="dpa",
        published_at=utc(2015, 10, 7, 13, 41), published_tz_source="source",  # 071341 GMT Okt 15
        body_start="German football generations past and present on Wednesday expressed sadness",
        body_end="deserves for us to be respectful of his illness and respect his and his "
                 "family's private sphere.\"",
        version_marker="1ST LEAD",
        slug="Germany-football/Munich/Mueller",
        dateline_location="Munich", dateline_agency="dpa",
        authors=("Manuel Schwarz",),
        contains=("Bastian Schweinsteiger and Thomas Müller, and",),
        excludes=("\ufffd", "dpa bwh bag"),
        extra=(("version", "1ST LEAD"),),
    )),
    case("iptc7901-refile-1st-lead", Golden(
        CORE + "dpa_four_line.txt", 0,
        headline="Switzerland joins list of countries resisting UN migration pact",
        provider="dpa",
        published_at=utc(2018, 11, 21, 23, 22), published_tz_source="source",
        body_start="Switzerland is joining a growing number of countries that will refrain from "
                   "signing a UN migration pact in December",
        body_end="Israel, Poland and the United States.",
        version_marker="1ST LEAD", status_marker="REFILE",
        slug="Switzerland/migration/UN",
        dateline_location="Geneva", dateline_agency="dpa",
        excludes=("not intended for publication", "Albert Otti", "international@dpa.com"),
        extra=(("version", "REFILE 1ST LEAD"),),
    )),
    # ---- AAP telex (ZCZC ... NNNN) ------------------------------------------------------------
    case("aap-telex", Golden(
        AAP + "1487e8f1-f7f5-40f5-8c0f-0eba3c2e162d.tst", 0,
        headline="Legionella found in Qld hospital",
        provider="aap",
        published_at=None, published_tz_source=None,  # no time in the file
        body_start="Legionella bacteria has been found in a regional southwest Queensland "
                   "hospital.",
        body_end="according to standard protocols for removing the Legionella bacteria.",
        slug="Legionella_BC1",
    )),
    case("aap-telex-lowercase-zczc", Golden(
        AAP + "AAP201606060716291.tst", 0,
        headline="UGL continues project delay negotiation",
        provider="newsbites",  # KN#News Bites
        published_at=utc(2016, 6, 6, 14), published_tz_source="assumed",  # PD#06 June 2016 14:00:00
        body_start="UGL’s construction of the Ichthys SMP and CCPP projects",  # cp1252 0x92
        body_end="margin will not be recognised on the SMP project while commercial negotiations "
                 "are ongoing.",
        extra=(("guid", "26945219"),),
    )),
    # ---- news-please (Yahoo Finance) ------------------------------------------------------------
    case("yahoo-reuters-byline-dateline", Golden(
        YAHOO + "2017_processed.json.xz", 296,
        headline="U.S. regulators ditch net neutrality rules as legal battles loom",
        provider="yahoo_finance", original_provider="reuters",
        published_at=utc(2017, 12, 15, 8, 0, 18), published_tz_source="assumed",  # naive
        body_start="The U.S. Federal Communications Commission voted along party lines on Thursday "
                   "to repeal landmark 2015 rules",
        body_end="said after the vote they had \"renewed confidence\" to make network investments, "
                 "particularly in rural communities.",
        dateline_location="WASHINGTON", dateline_agency="Reuters",
        authors=("David Shepardson",),  # "By David Shepardson\nWASHINGTON (Reuters) - ..."
        excludes=("By David Shepardson", "(Reuters) -"),
    )),
    case("yahoo-reuters-syndicated", Golden(
        YAHOO + "2018_processed.json.xz", 16,
        headline="SpaceX's crew rocket set for January test flight",
        provider="yahoo_finance", original_provider="reuters",
        published_at=utc(2018, 11, 21, 19, 52), published_tz_source="assumed",  # naive
        body_start="The first flight of a SpaceX rocket tailored to fly astronauts to the "
                   "International Space Station",
        body_end="\"including the adherence to a drug-free environment,\" prior to crew test "
                 "flights.",
        dateline_location="ORLANDO, Fla.", dateline_agency="Reuters",
        authors=("Joey Roulette",),  # "By Joey Roulette\nORLANDO, Fla. (Reuters) - ..."
        credits=(("Joey Roulette", "reporting"), ("Eric M. Johnson", "editing"),
                 ("Lisa Shumaker", "editing")),
        excludes=("By Joey Roulette", "[nL4N1XW01J]", "Reporting by"),
    )),
    case("yahoo-bloomberg-syndicated", Golden(
        YAHOO + "2019_processed.json.xz", 2,
        headline="Shopify Boosts Outlook on New Online Offerings",
        provider="yahoo_finance", original_provider="bloomberg",
        published_at=utc(2019, 8, 1, 13, 3, 23), published_tz_source="assumed",
        body_start="Shopify Inc. shares continued their rally early Thursday",
        body_end="some analysts are speculating that another share offering may be on the horizon.",
        dateline_agency="Bloomberg",  # "(Bloomberg) -- ..."
        authors=("Simran Jagdev",),
        credits=(("Karen Lin", "additional reporting"), ("Simran Jagdev", "reporting"),
                 ("Jillian Ward", "editing"), ("Molly Schuetz", "editing")),
        excludes=("To contact the reporter", "bloomberg.net", "©2019 Bloomberg L.P.",
                  "For more articles like this"),
    )),
    # ---- AG's News --------------------------------------------------------------------------------
    case("agnews-reuters-backslash", Golden(
        AG, 41,
        headline="Retailers Vie for Back-To-School Buyers",  # "(Reuters)" suffix removed
        provider="reuters",
        published_at=None, published_tz_source=None,
        body_start="Apparel retailers are hoping their back-to-school fashions will make the grade",
        body_end="with students and parents keeping a tighter hold on their wallets.",
        dateline_agency="Reuters",  # bare "Reuters - " opening
        excludes=("\\", "Reuters -"),
    )),
    case("agnews-ap-dollar-entity", Golden(
        AG, 33,
        headline="Man Sought $50M From McGreevey, Aides Say",  # "  #36;50M ... (AP)"
        provider="ap",
        published_at=None, published_tz_source=None,
        body_start="The man who claims Gov. James E. McGreevey sexually harassed him was pushing "
                   "for a cash settlement of up to $50 million",
        body_end="sources told The Associated Press.",
        dateline_agency="AP",
        excludes=("#36;", "AP -"),
    )),
    case("agnews-apostrophe-entity", Golden(
        AG, 95,
        headline="Eriksson doesn't feel any extra pressure following scandal",  # "doesn #39;t"
        provider="ap",
        published_at=None, published_tz_source=None,
        body_start="England coach Sven-Goran Eriksson said Tuesday he isn't under any extra "
                   "pressure",
        body_end="a scandal that damaged the Football Association's reputation.",
        dateline_location="NEWCASTLE, England", dateline_agency="AP",
        excludes=("#39;", " 't", " 's"),
    )),
    case("agnews-update-suffix", Golden(
        AG, 1256,
        headline="Iraqi Kidnappers of French Reporters Demand Ransom",  # "... (Update1)"
        provider=None,
        published_at=None, published_tz_source=None,
        body_start="The Iraqi kidnappers of two French reporters",
        body_end="according to a statement posted on an Islamic Web site.",
        version_marker="Update1",
        contains=("demanded a $5 million ransom",),  # "\$5" in the source
    )),
    # ---- ISOT True.csv subset ---------------------------------------------------------------------
    case("isot-reuters-date-only", Golden(
        "isot-true-subset/True.csv", 0,
        headline="As U.S. budget fight looms, Republicans flip their fiscal script",
        provider="reuters",
        published_at=utc(2017, 12, 31), published_tz_source="date_only",  # "December 31, 2017 "
        body_start="The head of a conservative Republican faction in the U.S. Congress",
        body_end="The Senate has not yet voted on the aid.",
        dateline_location="WASHINGTON", dateline_agency="Reuters",
        contains=("a “fiscal conservative” on Sunday",),
    )),
    # ---- Ritzau, Solita, Atom (WENN) ---------------------------------------------------------------
    case("ritzau-flash", Golden(
        CORE + "ritzau_news.xml", 0,
        headline=None,  # <headline i:nil="true"/>: a flash
        provider="ritzau",
        # <PublishDate>2018-01-30T17:32:18.397 (Copenhagen time, no zone)
        published_at=utc(2018, 1, 30, 16, 32, 18, 397000), published_tz_source="provider_default",
        body_start="Hollandske forskere har \"i årevis\" lavet forsøg på både mennesker og dyr",
        body_end="fordi de har finansieret lignende forsøg.",
        slug="NU/FLASH-U",
        dateline_location="Haag",
        authors=("Peder Top Poulsen",),
        language="da",
        excludes=("<p>", "&#x"),
    )),
    case("solita-release", Golden(
        NTB + "solita_1.xml", 0,
        headline="Signerte veikontrakt på 4 mrd. i Trøndelag",
        provider="solita",
        published_at=utc(2018, 9, 28, 9, 15), published_tz_source="provider_default",  # Oslo
        body_start="Nye Veier har signert kontrakt med det spanske konsernet ACCIONA Construction",
        body_end="Byggestart er planlagt i midten av 2019. Prosjektet fullføres i 2024/2025.",
        credits=(("Nye Veier", "publisher"),),
        language="no",
    )),
    case("atom-wenn", Golden(
        CORE + "wenn.xml", 0,
        headline="Suge Knight involved in fatal hit and run incident",
        provider="wenn",
        published_at=utc(2015, 1, 30, 0, 33, 6), published_tz_source="source",
        body_start="Police officials in Los Angeles are investigating a fatal hit and run "
                   "incident involving rap mogul SUGE KNIGHT",  # wenn_cm:first_line
        body_end="with Cube even posting a photo on Instagram.com from the film shoot prior to "
                 "the incident.",
        slug="(KL&TD/WNWCZM/RL)",
        excludes=("This is body content1.",),  # the placeholder atom:content
    )),
    # ---- e-mail (RFC 822/MIME) and WordPress (SOURCES.md section 10) --------------------------
    case("email-aap-golf", Golden(
        CORE + "odd_charset_email.txt", 0,
        # a labelled AAP copy ("Headline: ..."); the Subject is another mail's
        headline="Senden defends but Scott favourite",
        provider="aap",  # from the dateline's agency (the sender's domain is anonymised)
        published_at=utc(2015, 3, 10, 21, 17, 1), published_tz_source="source",  # Date: ... -0700
        body_start="Adam Scott is hoping to live up to his favourite tag as he searches for more "
                   "competitive reps in his Masters preparations.",
        body_end="Robert Allenby, Steven Bowditch, Marc Leishman, Greg Chalmers and Rod Pampling are "
                 "also in the field.",
        slug="Gol PGA",
        dateline_location="LOS ANGELES", dateline_agency="AAP",
        authors=("Ben Everill",),
        # quoted-printable Windows-1252: =92 is ’, =93/=94 are quotes
        contains=("Innisbrook Resort’s Cooperhead course", "“I think it's a good little stretch"),
        # the "AAP be/" end mark, the sender's signature and the mail disclaimer
        excludes=("AAP be/", "Golf Writer", "Skype", "confidential", "Abstract:", "SDA"),
    )),
    case("email-aap-google-form", Golden(
        CORE + "googleform.txt", 0,
        headline="TEST NZ HEADER",  # the form's Headline field, not the Subject
        provider="aap",  # From: takin@aap.com.au
        published_at=utc(2016, 5, 5, 4, 11, 45), published_tz_source="source",  # Date: ... +0000
        body_start="Prisoners allegedly drunk on homebrew attacked staff at the Serco-run Wiri prison "
                   "on Saturday, and a wing has been in lockdown as a result.",
        body_end="from a source within the Auckland South Corrections Facility on Kiwi Tamaki Drive, Wiri.",
        slug="NZTEST",
        dateline_location="AUCKLAND",
        excludes=("Headline", "{", "Timestamp"),
    )),
    case("wordpress-funke", Golden(
        CORE + "wordpress_wxr_funke.xml", 0,
        headline="Löst einen Mord in Mysterium Secrets & Lies",
        provider="funkygames",  # the site, https://funkygames.de
        published_at=utc(2017, 12, 2, 15, 43, 50), published_tz_source="source",  # post_date_gmt
        body_start="Mysterium Secrets & Lies von Asmodee Digital ist eine spannende App",  # [dropcap]M
        body_end="iOS-Spieler erhalten hier die App für 5,49 Euro.",
        authors=("Marion",),
        language="de",
        contains=("Mysterium ist ein kooperatives Game", "Einzelspieler-Modus gegen KI"),
        excludes=("[dropcap]", "[/dropcap]", "[contact_form]", "<strong>", "<img", "&amp;"),
        extra=(("keywords", ["Asmodee Digital", "Mysterium", "Mysterium Secrets & Lies", "Spiele Apps",
                             "sub_feature", "Android Apps", "iOS Apps"]),),
    )),
    # ---- second pass of superdesk-feed-fixtures (SOURCES.md section 10): CP, STT, ANSA ---------
    case("ap-media-json-text", Golden(
        CP + "ap/ap-text.json", 0,
        headline="Review: Documentary about electric racing holds little spark",
        provider="ap",
        # "firstcreated": "2020-06-02T19:13:56Z" (versioncreated is one second later)
        published_at=utc(2020, 6, 2, 19, 13, 56), published_tz_source="source",
        # the body is the attached nitf.body_html; no dateline ("located" is absent)
        body_start="For proof that Leonardo DiCaprio can't save every film he touches, look no further "
                   "than “And We Go Green,” a languid documentary about the electric car racing circuit.",
        body_end="Mark Kennedy is at http://twitter.com/KennedyTwits",
        slug="BC-US--Film Review-And We Go Green",
        authors=("MARK KENNEDY",),  # bylines[].by "By MARK KENNEDY" (case kept, as nitf-ap's)
        contains=("Running time: 98 minutes. One star out of four.",),
        excludes=("<p>", "<a ", "By MARK KENNEDY"),
    )),
    case("globenewswire-g2", Golden(
        CP + "globenewswire/07ac.xml", 0,
        headline="Zignal Labs Names David Atlas Chief Marketing Officer",
        provider="globenewswire",  # provider literal "globenewswire.com"
        published_at=utc(2019, 12, 3, 17, 0, 10), published_tz_source="source",  # +00:00
        # "SAN FRANCISCO, Dec.  03, 2019  (GLOBE NEWSWIRE) -- Zignal Labs, ..." (double spaces)
        # the <h2> sub-headline, then the first paragraph without its dateline (the <h1> repeats
        # the headline and is gone)
        body_start="AI Marketing Veteran to Position Company for Growth in New Markets\n\nZignal Labs, "
                   "provider of a real-time AI customer and brand insights platform, today announced that "
                   "David Atlas has joined the company as Chief Marketing Officer.",
        body_end="The photo is also available via AP PhotoExpress.\n\nMedia Contact: North 6th Agency "
                 "for Zignal Labs / Diana Kozak zignallabs@n6a.com",  # div.mw_contactinfo's <pre>
        dateline_location="SAN FRANCISCO", dateline_agency="GLOBE NEWSWIRE",
        credits=(("globenewswire", "creator"),),  # <creator literal="globenewswire">
        contains=("SVP of Sales & Marketing at Goodmail", "The photo is also available via AP PhotoExpress."),
        # the <h1> headline and <h2> sub-headline repeated at the top, the 1x1 tracking pixel
        excludes=("__GNW8366DE3E__IMG", "newsroom/ti?nf=", "GLOBE NEWSWIRE", "&amp;",
                  "Zignal Labs Names David Atlas"),
    )),
    case("businesswire-newsml1", Golden(
        CP + "businesswire/20210130005024r1.xml", 0,
        headline="Interactive Brokers Lifts All Trading Restrictions on Options",
        provider="businesswire",
        published_at=utc(2021, 1, 31, 2, 41), published_tz_source="source",  # 20210131T024100+0000
        # the Body component only, hard-wrapped lines collapsed
        body_start="Interactive Brokers Group (Nasdaq: IBKR), a global brokerage firm, announced today "
                   "that on Friday it lifted all trading restrictions on options in AMC, BB, EXPR, GME, KOSS",
        body_end="Barron’s ranked Interactive Brokers #1 with 5 out of 5 stars in its February 24, 2020, "
                 "Best Online Broker Review.",
        slug="CT-INTERACTIVE-BROKERS",
        dateline_location="GREENWICH, Conn.",  # NewsLines/DateLine
        contains=("About Interactive Brokers Group, Inc.:",),
        # click-tracking links, tracking pixel, empty span, "View source version", the CSS, the tweet
        excludes=("cts.businesswire.com", "View source version", "bwct31415", "bwalignc", "\n  ",
                  "  "),
    )),
    case("cp-transcript", Golden(
        CP + "cp_transcripts/cp_transcripts.json", 0,
        headline="History TV - Rust Valley Restorers, 7/6/2023 2:00:00 PM UTC - Segment #2",
        provider="cp",  # delivered by CP's content API (source: TV Eyes)
        published_at=utc(2023, 7, 6, 14, 0, 1), published_tz_source="source",  # firstcreated +0000
        body_start="laying around my mom's property. Some sheep might wander in here",  # caption lines joined
        body_end="-This is a shark fest!",
        slug="Rust-Valley-Restorers",
        original_provider="tv_eyes",  # "source": "TV Eyes"
        dateline_location="Toronto, ON",  # "located"
        contains=("[Narrator]:", "Voilà!"),
        excludes=("&#224;", "<p>"),
    )),
    case("stt-g2-afp", Golden(
        STT + "locationdata_99951815.xml", 0,
        headline="Useita kuoli Nigeriassa moskeijaan tehdyssä iskussa",
        provider="stt",
        # firstCreated 2015-10-16T05:08:54, no zone: Helsinki time, EEST (+03:00) until 25 Oct 2015
        published_at=utc(2015, 10, 16, 2, 8, 54), published_tz_source="provider_default",
        body_start="Nigeriassa silminnäkijät kertoivat kymmenien ihmisten kuolleen torstai-iltana "
                   "moskeijaan tehdyssä iskussa.",
        body_end="Viime viikonloppuna järjestö surmasi 41 ihmistä Tshadissa maiden välisen rajan tuntumassa.",
        original_provider="afp",  # creditline STT&#8211;AFP
        language="fi",
        # the private edNote (sttnote:private) must not be published
        excludes=("kappaleen toinen lause", "po. järjestö"),
    )),
    case("ansa-g2-located", Golden(
        ANSA + "located.xml", 0,
        headline="Spari davanti bimbi: sindaco Napoli, serve risposta forte",
        provider="ansa",  # provider literal "ansa.it"
        # firstCreated 2017-02-24T13:51:00.000Z (versionCreated's "+1000" has the same clock time)
        published_at=utc(2017, 2, 24, 13, 51), published_tz_source="source",
        body_start="\"C'è bisogno di una risposta forte. Non è ammissibile ed inaccettabile che si "
                   "possa sparare in modo indisturbato\".",
        body_end="di istituzioni, associazioni, parroci e perfino dei familiari di vittime innocenti\".",
        dateline_location="NAPOLI", dateline_agency="ANSA",  # (ANSA) - NAPOLI, 24 FEB -
        language="it",
        credits=(("YKN-CER", "creator"),),  # <creator literal="YKN-CER">: desk initials
        contains=("Il sindaco, riferendo che la sua Amministrazione",),
        # the (ANSA). end mark, the sig:routing codes, the literal <p> of the CDATA
        excludes=("(ANSA)", "CRO01", "APE4800", "QBXB", "<p>", "sindaco Napoli, serve"),
    )),
]

_SCALARS = ("headline", "provider", "original_provider", "version_marker", "status_marker",
            "story_kind", "desk", "slug", "dateline_location", "dateline_agency",
            "published_tz_source", "language", "pub_status")


def _credits(values: list[dict] | None) -> list[tuple[str, str]]:
    return sorted((c["name"], c["role"]) for c in values or [] if c["role"] != "byline")


def _mismatches(g: Golden, row: dict) -> list[str]:
    out = []
    for name in _SCALARS:
        want = getattr(g, name)
        if want is not SKIP and row[name] != want:
            out.append(f"{name}: expected {want!r}, got {row[name]!r}")
    got_at = row["published_at"]
    if got_at != g.published_at:
        out.append(f"published_at: expected {g.published_at!r}, got {got_at!r}")
    elif got_at is not None and got_at.utcoffset() != timedelta(0):
        out.append(f"published_at is not UTC: {got_at!r}")
    if list(row["authors"] or []) != list(g.authors):
        out.append(f"authors: expected {list(g.authors)!r}, got {row['authors']!r}")
    if _credits(row["credits"]) != sorted(g.credits):
        out.append(f"credits: expected {sorted(g.credits)!r}, got {_credits(row['credits'])!r}")
    body = row["body"]
    if g.body_start is None:
        if body is not None:
            out.append(f"body: expected none, got {body[:80]!r}")
    elif body is None:
        out.append("body: expected a body, got None")
    else:
        if not body.startswith(g.body_start):
            out.append(f"body start: expected {g.body_start!r}, got {body[:len(g.body_start) + 40]!r}")
        if not body.endswith(g.body_end):
            out.append(f"body end: expected {g.body_end!r}, got {body[-len(g.body_end) - 40:]!r}")
        out += [f"body lacks {s!r}" for s in g.contains if s not in body]
        out += [f"body still holds {s!r}" for s in g.excludes if s in body]
    for name, want in g.extra:
        if row[name] != want:
            out.append(f"{name}: expected {want!r}, got {row[name]!r}")
    return out


@pytest.mark.parametrize("golden", GOLDEN)
def test_golden_story(golden: Golden):
    row = story(golden.path, golden.index)
    problems = _mismatches(golden, row)
    assert not problems, f"{golden.path}#{golden.index}:\n  " + "\n  ".join(problems)


def test_golden_table_covers_every_format():
    formats = {story(g.values[0].path, g.values[0].index)["source_format"]
               for g in GOLDEN if not g.marks}
    assert {"reuters_web_text", "reuters_21578", "news_html", "rss_2", "newsml_g2", "nitf",
            "newsml_1", "ninjs", "anpa_1312", "iptc_7901", "aap_telex", "news_please",
            "news_csv", "ritzau", "solita", "atom", "email", "wordpress_wxr"} <= formats
    assert len(GOLDEN) >= 32


# ---- Single quirks, checked on their own so that an xfail row above does not hide them ----------

QUIRKS = [
    pytest.param(CORE + "pa4.xml", 0, "body", "reported £25 million", "Â£", id="pa4-pound-not-mojibake"),
    pytest.param(CORE + "IPTC7901_odd_charset.txt", 0, "body", "Thomas Müller", "\ufffd",
                 id="iptc7901-latin1-mueller"),
    pytest.param(CORE + "tag_reuters.com,0000_newsml_L4N1FL0N0_1132689232", 0, "desk", "PRECIOUS",
                 None, id="reuters-desk-precious"),
    pytest.param(AAP + "tag:reuters.com,2018:newsml_L3N1X604Z:536317572", 0, "desk",
                 "GLOBAL MARKETS", None, id="reuters-desk-global-markets"),
    pytest.param(AAP + "reuters_byline_in_body.xml", 0, "version_marker", "UPDATE 1", None,
                 id="reuters-version-update-1"),
    pytest.param(CORE + "tag_reuters.com_2016_newsml_L1N14N0FF_version_978556838", 0,
                 "status_marker", "CORRECTED", None, id="reuters-status-corrected"),
    pytest.param(CORE + "tag_reuters.com_2016_newsml_L1N14N0FF_version_1542761538", 0,
                 "pub_status", "canceled", None, id="reuters-canceled"),
    pytest.param(CORE + "ap_anpa-1.tst", 0, "dateline_location", "ATLANTA", None,
                 id="anpa-underscore-dateline"),
    pytest.param(CORE + "ap_anpa-1.tst", 0, "slug", "BC-BKN--Heat-Hawks", None, id="anpa-slug"),
    pytest.param(YAHOO + "2018_processed.json.xz", 16, "original_provider", "reuters", None,
                 id="yahoo-original-provider"),
    pytest.param(YAHOO + "2018_processed.json.xz", 16, "dateline_location", "ORLANDO, Fla.", None,
                 id="yahoo-dateline"),
    pytest.param(YAHOO + "2018_processed.json.xz", 16, "authors", ["Joey Roulette"], None,
                 id="yahoo-byline"),
    pytest.param(YAHOO + "2018_processed.json.xz", 16, "body", "The first flight of a SpaceX",
                 "By Joey Roulette", id="yahoo-byline-out-of-body"),
    pytest.param("iptc-ninjs/examples/NewsML/businesswire-newsml-20130515006361.xml", 0, "body",
                 "the world’s most powerful", "worldâ€™s", id="businesswire-mojibake-apostrophe"),
    # the AAP golf mail (its golden row waits on the dateline): the rest checked on its own
    pytest.param(CORE + "odd_charset_email.txt", 0, "headline", "Senden defends but Scott favourite", None,
                 id="email-labelled-headline"),
    pytest.param(CORE + "odd_charset_email.txt", 0, "slug", "Gol PGA", None, id="email-unlabelled-slug"),
    pytest.param(CORE + "odd_charset_email.txt", 0, "authors", ["Ben Everill"], None, id="email-byline"),
    pytest.param(CORE + "odd_charset_email.txt", 0, "published_at", datetime(2015, 3, 10, 21, 17, 1, tzinfo=UTC),
                 None, id="email-date-header"),
    pytest.param(CORE + "odd_charset_email.txt", 0, "body", "Innisbrook Resort’s Cooperhead course",
                 "Golf Writer", id="email-qp-cp1252-no-signature"),
]


@pytest.mark.parametrize(("path", "index", "column", "want", "never"), QUIRKS)
def test_source_quirk(path: str, index: int, column: str, want, never: str | None):
    value = story(path, index)[column]
    if column == "body":
        assert want in value
        assert never is None or never not in value
    else:
        assert value == want


@pytest.mark.parametrize(("path", "index", "name"), [
    pytest.param(R21578 + "reut2-000.sgm", 3, "Janie Gabbett", id="r21578-author"),
    pytest.param(CORE + "pa4.xml", 0, "Ian Jones", id="nitf-byline"),
    pytest.param("iptc-ninjs/examples/2.1/dpa_text.json", 0, "Christian Hollmann", id="ninjs-by"),
])
def test_source_byline_is_a_credit(path: str, index: int, name: str):
    assert {"name": name, "role": "byline"} in story(path, index)["credits"]


@pytest.mark.parametrize(("index", "location", "date"), [
    pytest.param(3, "LOS ANGELES", "Feb 26", id="newid-4"),
    pytest.param(0, "SALVADOR", "Feb 26", id="newid-1"),
])
def test_reuters21578_dateline_date_kept(index: int, location: str, date: str):
    row = story(R21578 + "reut2-000.sgm", index)
    assert (row["dateline_location"], row["dateline_date"]) == (location, date)


def test_reuters21578_one_letter_ticker_kept():
    body = story(R21578 + "reut2-000.sgm", 3)["body"]
    assert "threat of the First Interstate Bancorp <I> takeover bid gone" in body


def test_news_please_midnight_is_date_only():
    row = story(YAHOO + "2018_processed.json.xz", 172)  # date_publish "2018-11-21 00:00:00"
    assert row["published_at"] == utc(2018, 11, 21)
    assert row["published_tz_source"] == "date_only"
