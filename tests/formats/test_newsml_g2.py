"""NewsML-G2 (SOURCES.md sections 3, 5, 6): golden tests on real files, synthetic edge cases,
and a sweep over every G2 corpus folder."""

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.corpora import corpus_bytes, corpus_path
from transforms.formats import newsml_g2
from transforms.formats.base import ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.reading.records import to_utc

DPA = "dpa-newsml-g2-2017/20170629-dpa-sample/"
CORE = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
NTB = "superdesk-feed-fixtures/superdesk-ntb/server/ntb/tests/io/fixtures/"
IPTC = "iptc-newsml-g2/examples/"


def _utc(dt: datetime) -> datetime:
    return to_utc(dt, None)[0]


def _one_story(rel: str) -> ParsedStory:
    data = corpus_bytes(rel)
    assert newsml_g2.sniff(data)
    [story] = list(newsml_g2.parse(data, rel))
    assert isinstance(story, ParsedStory)
    return story


# --------------------------------------------------------------------------- golden: dpa


def test_dpa_story_with_nonpublic_notepad():
    story = _one_story(DPA + "urn:newsml:dpa.com:20090101:170629-99-45365.xml")
    assert story.headline == "Streit um Thyssenkrupp-Forderung gegen Ex-Manager geht in neue Runde"
    assert story.provider == "dpa"
    assert story.guid == "urn:newsml:dpa.com:20090101:170629-99-45365"
    assert story.version == "3"
    # versionCreated 2017-06-29T16:44:28+02:00 (no contentCreated/firstCreated)
    assert story.published_raw == "2017-06-29T16:44:28+02:00"
    assert _utc(story.published_at) == datetime(2017, 6, 29, 14, 44, 28, tzinfo=UTC)
    assert story.body.startswith("Erfurt (dpa) - Die millionenschwere Schadenersatzklage")
    assert story.body.endswith("war das Verfahren damals ausgesetzt worden.")
    assert story.body.count("\n\n") == 2
    # the edNote notepad, its np-nonpublic block and the nonpublic 7901 rendition stay out
    for leaked in ("Notizblock", "nicht zur Veröffentlichung", "Pressestelle", "gehler.annett@",
                   "Aktenzeichen", "Arbeit/Deutschland"):
        assert leaked not in story.body
    assert (story.dateline_location, story.dateline_agency) == ("Erfurt", "dpa")
    assert story.language == "de"
    assert story.urgency == 4
    assert story.pub_status == "usable"
    assert story.slug == "Arbeit/Deutschland/Bundesgerichte"
    assert story.keywords == ["Bundesgerichte"]
    assert "dpasubject:345" in story.subjects
    # dpa's creator/contributor are editor log-ins: credits, not bylines
    assert story.authors == []
    assert ("gehler.annett", "creator") in story.credits


def test_dpa_version_24_with_byline_and_teaser():
    story = _one_story(DPA + "urn:newsml:dpa.com:20090101:170627-99-11003.xml")
    assert story.version == "24"
    assert story.headline == "«Mo» gegen «Malm» - Ikea verliert Land im Betten-Krieg"
    assert story.authors == ["Anja Semmelroch"]  # <by>Von Anja Semmelroch, dpa</by>
    assert _utc(story.published_at) == datetime(2017, 6, 29, 15, 20, 17, tzinfo=UTC)
    assert story.body.startswith("Das Ikea-Bett «Malm» steht in etlichen Schlafzimmern.")
    assert story.body.endswith("(Az. I ZR 9/16)")


def test_dpa_table_rows_stay_on_one_line():
    story = _one_story(DPA + "urn:newsml:dpa.com:20090101:170629-90-024451.xml")
    assert "USA 1 USD 0,850 0,906 0,8762 0,8763" in story.body.split("\n\n")


def test_dpa_picture_messages_are_skipped():
    rel = "dpa-newsml-g2-2017/images/urn_newsml_dpa.com_20090101_171117-90-000086.xml"
    [item] = list(newsml_g2.parse(corpus_bytes(rel), rel))
    assert item == SkippedItem("non_text:picture", guid=item.guid)
    assert item.guid.startswith("urn:newsml:dpa.com:")


# --------------------------------------------------------------------------- golden: Reuters


def test_reuters_kill_is_a_canceled_story_without_body():
    story = _one_story(CORE + "tag_reuters.com_2016_newsml_L1N14N0FF_version_1542761538")
    assert story.pub_status == "canceled"
    assert story.body is None
    assert story.headline.startswith("CORRECTED-S. Illinois battles flooding")
    assert story.provider == "reuters"
    assert story.guid == "tag:reuters.com,0000:newsml_L1N14N0FF"
    assert story.version == "1542761538"  # opaque, not a counter
    # firstCreated == versionCreated at Reuters: the time of this version
    assert story.published_at == story.version_created
    assert _utc(story.published_at) == datetime(2016, 1, 4, 16, 34, 45, tzinfo=UTC)


def test_reuters_wire_text_in_one_paragraph_is_split_on_indents():
    story = _one_story(CORE + "tag_reuters.com,0000_newsml_L4N1FL0N0_1132689232")
    assert story.headline == "PRECIOUS-Gold rises as Trump policy fuels safe haven demand"
    assert _utc(story.published_at) == datetime(2017, 1, 31, 3, 47, 29, tzinfo=UTC)
    assert story.version == "1132689232"
    paragraphs = story.body.split("\n\n")
    assert paragraphs[0] == "(Adds comments, detail)"
    assert paragraphs[5].startswith("Jan 30 (Reuters) - Gold rose on Tuesday on increased safe "
                                    "haven demand")
    assert story.body.endswith("Editing by Joseph Radford and Richard Pullin)")


def test_reuters_results_table_keeps_its_lines():
    story = _one_story(CORE + "tag_reuters.com,0000_newsml_ISS149709_1618095828")
    assert "\nBesiktas 5 Konyaspor 1\n" in story.body
    assert story.body.endswith("16-18: Relegation")


def test_reuters_multi_item_message_in_order():
    rel = CORE + "video.xml"
    items = list(newsml_g2.parse(corpus_bytes(rel), rel))
    assert [type(i).__name__ for i in items] == [
        "SkippedItem", "ParsedStory", "SkippedItem", "SkippedItem", "SkippedItem"]
    assert [i.reason for i in items if isinstance(i, SkippedItem)] == [
        "non_text:package", "non_text:video", "non_text:audio", "non_text:picture"]
    story = items[1]
    assert story.headline == "Cardinals arrive for pre-conclave meeting"
    assert story.body.startswith("(ROUGH CUT ONLY - NO REPORTER NARRATION)")
    assert story.dateline_location is None and story.located is None  # located "No-Data-Available"
    assert story.authors == []  # <by>No-Data-Available, MAR 04</by>


# --------------------------------------------------------------------------- golden: others


def test_ansa_inline_data_with_html_in_cdata():
    story = _one_story(CORE + "ansa-newsmlg2-text.xml")
    assert story.headline == "Catalan independence declaration unacceptable - Alfano"  # not the sub
    assert story.provider == "ansa"
    assert _utc(story.published_at) == datetime(2017, 10, 11, 9, 41, tzinfo=UTC)  # +0100
    assert story.version == "1"
    assert story.body.startswith("(ANSA) - Rome, October 11 - Italian Foreign Minister Angelino "
                                 "Alfano has said")
    assert story.body.endswith("halted implementation to allow for negotiations.")
    assert len(story.body.split("\n\n")) == 4
    assert story.language == "it"


def test_scoop_bom_package_stub_and_nitf_title():
    rel = CORE + "scoop.xml"
    data = corpus_bytes(rel)
    assert data.startswith(b"\xef\xbb\xbf")
    package, story = list(newsml_g2.parse(data, rel))
    assert package.reason == "non_text:package"
    assert story.provider == "scoop"
    assert story.headline.startswith("Dick Smith receivers install Don Grover as acting CEO")
    assert story.version == "3"
    # "2016-01-12 12:35:40": no zone stated: BusinessDesk is New Zealand (NZDT, 13 h ahead of UTC)
    assert story.published_at == datetime(2016, 1, 12, 12, 35, 40, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert story.published_at.astimezone(UTC) == datetime(2016, 1, 11, 23, 35, 40, tzinfo=UTC)
    assert story.published_tz_source == "provider_default"
    assert story.priority == 5  # the newsMessage header's
    assert story.body.startswith("By Jonathan Underhill\n\nJan. 12 (BusinessDesk) - The receivers")
    assert story.body.endswith("(BusinessDesk)")
    assert story.language == "en"
    assert story.embargo_until is None  # <embargoed></embargoed>


def test_tt_custom_markup():
    story = _one_story(NTB + "tt_newsml_test.xml")
    assert story.headline == "Polen: EU hämnas för flyktingmotstånd"
    assert story.provider == "tt"
    assert story.authors == ["Wiktor Nummelin"]
    assert _utc(story.published_at) == datetime(2017, 12, 20, 13, 46, 21, tzinfo=UTC)
    assert story.body.startswith("För första gången sedan EU:s Lissabonfördrag")
    assert story.body.endswith("Källa: Lissabonfördraget.")
    assert "TT:s korrespondent" not in story.body  # DAT/SOURCE
    assert "Arkivfoto" not in story.body  # BILD caption
    assert "Fakta: EU:s storslägga" in story.body  # second TEXT's heading stays


def test_stt_naive_times_are_helsinki_and_entities_unescaped():
    story = _one_story(CORE + "stt1.xml")
    assert story.provider == "stt"
    assert story.published_raw == "2019-04-15T11:12:24"
    assert story.published_tz_source == "provider_default"
    assert _utc(story.published_at) == datetime(2019, 4, 15, 8, 12, 24, tzinfo=UTC)  # EEST
    translated = _one_story(CORE + "stt_newsml_test.xml")
    assert "restaurant can, for example, continue to dispense with a notice until 4 o'clock" \
        in translated.body
    assert "&#39;" not in translated.body


def test_stt_creditline_names_the_source():
    stt = "superdesk-feed-fixtures/superdesk-stt/server/tests/fixtures/"
    story = _one_story(stt + "locationdata_99951815.xml")  # <creditline>STT&#8211;AFP</creditline>
    assert (story.provider, story.original_provider) == ("stt", "afp")
    alone = _one_story(CORE + "stt1.xml")
    assert alone.original_provider is None


def test_ap_items_in_ntb_message():
    rel = NTB + "ntb_newsml_g2.xml"
    stories = list(newsml_g2.parse(corpus_bytes(rel), rel))
    assert len(stories) == 3 and all(isinstance(s, ParsedStory) for s in stories)
    first = stories[0]
    assert first.provider == "ap"  # guid tag:ap.org; provider element is Automated Insights
    assert first.headline == "Nutrisystem beats 4Q earnings and revenue expectations"
    assert _utc(first.published_at) == datetime(2018, 2, 26, 21, 20, 11, tzinfo=UTC)
    assert first.body.startswith("FORT WASHINGTON, Pa. (AP) _ Nutrisystem Inc.")
    assert first.body.endswith("at https://www.zacks.com/ap/NTRI")
    assert first.dateline_location == "FORT WASHINGTON, Pa."
    assert first.keywords == ["Nutrisystem", "Earnings Report", "Pennsylvania"]


def test_iptc_text_document_with_nitf():
    story = _one_story(IPTC + "LISTING_2_NewsML-G2_Text_Document.xml")
    assert story.provider == "iptc"
    assert story.headline == 'Fed to halt QE to avert "bubble"'
    assert story.version == "11"
    assert _utc(story.published_at) == datetime(2016, 11, 21, 20, 21, 6, tzinfo=UTC)
    assert story.body.startswith("(New York, NY - October 21) Et, sent luptat")
    assert story.authors == ["Meredith Jameson"]
    assert story.original_provider == "ap"


@pytest.mark.parametrize(("name", "reason"), [
    ("LISTING_7_Group_Set_example_showing_Hierarchical_Package_Structure.xml", "no_items"),
    ("LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml", "no_items"),
    ("LISTING_28_Illustrating_Located_Subject_and_Dateline.xml", "no_items"),
    ("LISTING_29_Hop_History.xml", "no_body"),
])
def test_iptc_fragments_and_empty_items_are_parse_errors(name, reason):
    with pytest.raises(ParseError) as err:
        list(newsml_g2.parse(corpus_bytes(IPTC + name), name))
    assert err.value.reason == reason


def test_iptc_non_text_items():
    def reasons(name):
        return [i.reason for i in newsml_g2.parse(corpus_bytes(IPTC + name), name)]

    assert reasons("LISTING_21_A_complete_sample_SportsML-G2_document.xml") == ["non_text:sportsml"]
    assert reasons("LISTING_17_Planning_Item_a_CCL.xml") == ["non_text:planning"]
    assert reasons("LISTING_5_Multi-part_Video_in_NewsML-G2.xml") == ["non_text:video"]  # latin-1
    # placeholder items "<newsItem guid="N1"> ..... </newsItem>" after the package
    assert reasons("LISTING_24_News_Message_conveying_a_complete_News_Package.xml") == [
        "non_text:package", "no_content", "no_content", "no_content", "no_content"]


def test_concept_items_that_declare_an_event_are_events():
    """EventsML: a conceptItem whose concept type is cpnat:event (STT, IPTC LISTING 14) is an
    event; a person or abstract concept stays a concept."""
    def reasons(rel):
        return [i.reason for i in newsml_g2.parse(corpus_bytes(rel), rel)]

    assert reasons(IPTC + "LISTING_14_Event_sent_as_a_Concept_Item.xml") == ["non_text:event"]
    assert reasons(IPTC + "LISTING_11_Person_Concept_conveyed_in_a_NewsML-G2_Concept_Item.xml") == [
        "non_text:concept"]
    assert reasons("superdesk-feed-fixtures/superdesk-stt/server/tests/fixtures/events_ml_259431.xml") == [
        "non_text:event"]
    synthetic = (f'<conceptItem xmlns="{NS}" guid="c1" version="1"><concept><conceptId qcode="x:1"/>'
                 '<type qcode="cpnat:abstract"/><eventDetails><dates><start>2022-04-02</start></dates>'
                 '</eventDetails></concept></conceptItem>').encode()
    assert [i.reason for i in newsml_g2.parse(synthetic, "t")] == ["non_text:event"]


# --------------------------------------------------------------------------- synthetic

NS = "http://iptc.org/std/nar/2006-10-01/"


def _item(guid: str, body: str = "<p>Body one.</p><p>Body two.</p>", headline: str = "Head",
          item_class: str = "ninat:text", extra_meta: str = "", extra_content: str = "") -> str:
    cls = f'<itemClass qcode="{item_class}"/>' if item_class else ""
    hl = f"<headline>{headline}</headline>" if headline else ""
    content = (f'<contentSet><inlineXML contenttype="application/xhtml+xml">'
               f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>'
               f"</inlineXML></contentSet>") if body else ""
    return (f'<newsItem guid="{guid}" version="2"><itemMeta>{cls}<provider literal="ExampleWire"/>'
            f"<versionCreated>2020-01-02T03:04:05+01:00</versionCreated>"
            f'<pubStatus qcode="stat:usable"/>{extra_meta}</itemMeta>'
            f"<contentMeta>{hl}{extra_content}</contentMeta>{content}</newsItem>")


def _message(*items: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><newsMessage xmlns="{NS}"><header>'
            f"<sender>example.org</sender></header><itemSet>{''.join(items)}</itemSet>"
            f"</newsMessage>").encode()


def test_bad_item_in_multi_item_message_rejects_only_that_item():
    data = _message(_item("a"), _item("b", body="", headline=""), _item("c", item_class="",
                                                                         body="", headline="X"),
                    _item("d", item_class="ninat:picture"))
    a, b, c, d = list(newsml_g2.parse(data, "synthetic"))
    assert isinstance(a, ParsedStory) and a.body == "Body one.\n\nBody two."
    assert isinstance(b, RejectedItem) and b.reason == "no_body" and b"guid=\"b\"" in b.raw
    assert isinstance(c, RejectedItem) and c.reason == "no_content"
    assert d == SkippedItem("non_text:picture", guid="d")


def test_single_bad_item_is_a_parse_error():
    with pytest.raises(ParseError) as err:
        list(newsml_g2.parse(_message(_item("b", body="", headline="")), "synthetic"))
    assert err.value.reason == "no_body"


def test_headline_only_item_is_a_story_and_fields_are_optional():
    [story] = newsml_g2.parse(_message(_item("x", body="")), "t")
    assert story.headline == "Head" and story.body is None
    assert story.provider == "examplewire"
    assert story.published_raw == "2020-01-02T03:04:05+01:00"  # versionCreated as last resort
    assert story.authors == [] and story.subjects == [] and story.urgency is None
    bare = f'<newsItem xmlns="{NS}" guid="y"><contentSet><inlineData>one\n\ntwo</inlineData>' \
           f"</contentSet></newsItem>"
    [story] = newsml_g2.parse(bare.encode(), "t")
    assert story.body == "one\n\ntwo" and story.headline is None and story.published_at is None


def test_metadata_fields():
    meta = ("<embargoed>2020-01-03T00:00:00Z</embargoed>")
    content = ('<urgency>2</urgency><contentCreated>2020-01-01T10:00:00-05:00</contentCreated>'
               '<headline role="hld:subHeadline">Sub</headline>'
               '<by>By Jane Roe and John Doe</by><slugline>SLUG-1</slugline>'
               '<dateline>PARIS, Monday (ExampleWire)</dateline><language tag="fr-FR"/>'
               '<subject qcode="medtop:01000000"><name>arts</name></subject>'
               '<subject literal="Local"/><keyword>alpha</keyword><keyword>alpha</keyword>')
    body = ('<header><h1>Head</h1></header><p>Text <b>bold</b> end.</p>'
            '<section class="np-nonpublic"><p>secret</p></section>')
    [story] = newsml_g2.parse(_message(_item("m", body=body, extra_meta=meta,
                                             extra_content=content)), "t")
    assert story.headline == "Head"  # the main headline wins over the earlier sub-headline
    assert story.body == "Text bold end."
    assert story.authors == ["Jane Roe", "John Doe"]
    assert (story.dateline_location, story.dateline_agency) == ("PARIS", "ExampleWire")
    assert story.language == "fr" and story.urgency == 2 and story.slug == "SLUG-1"
    assert story.subjects == ["medtop:01000000", "Local"] and story.keywords == ["alpha"]
    assert _utc(story.published_at) == datetime(2020, 1, 1, 15, tzinfo=UTC)
    assert _utc(story.version_created) == datetime(2020, 1, 2, 2, 4, 5, tzinfo=UTC)
    assert story.embargo_until == datetime(2020, 1, 3, tzinfo=UTC)
    assert story.pub_status == "usable"


def test_withheld_status_and_other_catalog_prefix():
    item = _item("w", item_class="icls:text").replace("stat:usable", "stat:withheld")
    [story] = newsml_g2.parse(_message(item), "t")
    assert story.pub_status == "withheld"


def test_latin1_declared_and_utf8_bytes():
    text = _message(_item("e", body="<p>Café Müller £5</p>"))
    latin = text.replace(b'encoding="UTF-8"', b'encoding="iso-8859-1"')
    assert next(newsml_g2.parse(latin.decode().encode("latin-1"), "t")).body == "Café Müller £5"
    # declares latin-1 but holds UTF-8 (superdesk pa4.xml pattern): bytes win
    assert next(newsml_g2.parse(latin, "t")).body == "Café Müller £5"
    assert next(newsml_g2.parse(b"\xef\xbb\xbf" + text, "t")).body == "Café Müller £5"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty_input"),
    (b"  \n", "empty_input"),
    (f'<newsMessage xmlns="{NS}"><itemSet><newsItem guid="x">'.encode(), "malformed_xml"),
    (f'<newsMessage xmlns="{NS}"><header/><itemSet/></newsMessage>'.encode(), "no_items"),
])
def test_unreadable_input(data, reason):
    with pytest.raises(ParseError) as err:
        list(newsml_g2.parse(data, "t"))
    assert err.value.reason == reason


@pytest.mark.parametrize("data", [
    b'<?xml version="1.0"?><NewsML><NewsItem/></NewsML>',
    b'<?xml version="1.0"?><nitf><head/><body/></nitf>',
    b'{"newsItem": 1}',
    b"March 3, 2021 / 4:05 PM / 2 years ago\n",
    b"",
])
def test_sniff_rejects_other_formats(data):
    assert not newsml_g2.sniff(data)


# --------------------------------------------------------------------------- sweep

G2_FOLDERS = ("iptc-newsml-g2", "dpa-newsml-g2-2017", "superdesk-feed-fixtures")


def test_sweep_claims_only_g2_files():
    """Invariant: the sniff claims exactly the G2 files, and nothing in other corpora."""
    root = corpus_path("")
    claimed: Counter[str] = Counter()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        with path.open("rb") as fh:
            head = fh.read(4096)
        if newsml_g2.sniff(head):
            claimed[path.relative_to(root).parts[0]] += 1
    # iptc: all 35 examples; dpa: 80 stories + 3 pictures; superdesk: the 47 G2 files of
    # section 6 and 24 of section 10 (GlobeNewswire 6, STT 9, ANSA 5, planning 2, the two
    # older IPTC LISTING copies)
    assert claimed == {"iptc-newsml-g2": 35, "dpa-newsml-g2-2017": 83,
                       "superdesk-feed-fixtures": 71}


def test_sweep_outcomes():
    """Invariant: parsing raises nothing but ParseError; no real text story is lost."""
    outcomes: dict[str, Counter[str]] = {}
    for folder in G2_FOLDERS:
        counts: Counter[str] = Counter()
        for path in sorted(p for p in corpus_path(folder).rglob("*") if p.is_file()):
            data = path.read_bytes()
            if not newsml_g2.sniff(data):
                continue
            try:
                for item in newsml_g2.parse(data, str(path)):
                    if isinstance(item, ParsedStory):
                        counts["story"] += 1
                        assert item.headline or item.body
                    else:
                        counts[item.reason] += 1
            except ParseError as exc:
                counts["error:" + exc.reason] += 1
        outcomes[folder] = counts
    assert outcomes["dpa-newsml-g2-2017"] == {"story": 80, "non_text:picture": 3}
    # section 10 adds 13 stories (GlobeNewswire 6, STT news 4, ANSA text 2, the headline-only
    # LISTING 1), 3 ANSA pictures, the LISTING 6 package, 2 STT EventsML events and
    # 5 planning items (STT 4, Superdesk Planning's planning.xml)
    assert outcomes["superdesk-feed-fixtures"] == {
        "story": 57, "non_text:picture": 9, "non_text:package": 5, "non_text:video": 1,
        "non_text:audio": 1, "non_text:event": 2, "non_text:planning": 5}
    assert outcomes["iptc-newsml-g2"] == {
        "story": 6, "non_text:picture": 3, "non_text:video": 3, "non_text:package": 3,
        "non_text:concept": 2, "non_text:event": 1, "non_text:knowledge": 2, "non_text:planning": 4,
        "non_text:catalog": 1, "non_text:composite": 1, "non_text:sportsml": 1,
        "no_content": 4, "error:no_items": 5, "error:no_body": 3}
