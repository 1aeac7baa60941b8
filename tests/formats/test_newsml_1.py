"""NewsML 1.x parser: golden tests on superdesk and iptc-ninjs files (SOURCES.md
sections 4 and 6), synthetic edge cases and a sweep over every corpus file."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.corpora import corpus_bytes
from tests.formats.sweep import corpus_files
from transforms.formats import newsml_1
from transforms.formats.base import ParsedStory, ParseError, RejectedItem, SkippedItem
from transforms.reading.records import to_utc

CORE = "superdesk-feed-fixtures/superdesk-core/tests/io/fixtures/"
BELGA = "superdesk-feed-fixtures/superdesk-belga/server/tests/io/fixtures/"
NTB = "superdesk-feed-fixtures/superdesk-ntb/server/ntb/tests/io/fixtures/"
BW = "iptc-ninjs/examples/NewsML/"


def items(rel: str) -> list:
    data = corpus_bytes(rel)
    assert newsml_1.sniff(data)
    return list(newsml_1.parse(data, rel))


def one_story(rel: str) -> ParsedStory:
    [story] = items(rel)
    assert isinstance(story, ParsedStory)
    return story


def utc(story: ParsedStory) -> datetime | None:
    return to_utc(story.published_at, story.published_tz_source)[0]


# ----------------------------------------------------------------- golden files


def test_afp_text_with_embedded_nitf():
    story = one_story(CORE + "afp.xml")
    assert story.headline == "Sweden court accepts receivership for Saab carmaker"
    assert story.provider == "afp"
    assert story.version == "1"
    assert story.guid == "urn:newsml:afp.com:20140829T135002Z:TX-PAR-FXW86:1"
    assert utc(story) == datetime(2014, 8, 29, 13, 49, 51, tzinfo=UTC)
    assert story.published_raw == "20140829T134951+0000"
    assert story.body.startswith("A Chinese-owned company set up to take over Saab's assets")
    assert story.body.endswith("with a line of electric cars.\n\nhh/ph/ts/hd")
    assert story.dateline_location == "STOCKHOLM"
    assert story.dateline_agency == "AFP"
    assert story.language == "en"
    assert story.slug == "Sweden-SAAB"
    assert story.urgency == 4
    assert story.pub_status == "usable"
    assert story.subjects[0] == "subj:04011002"
    assert story.keywords == ["Sweden", "China", "auto", "business", "bankruptcy", "Saab"]


def test_afp_empty_headline_and_advisory_line():
    story = one_story(NTB + "afp_no_headline.xml")
    assert story.headline is None
    assert story.body.startswith("Burkina Faso is banning imports from North Korea")
    advisory = one_story(NTB + "afp.xml")
    assert advisory.headline == "Burkina Faso bans imports from North Korea"
    assert "UPDATES with Germany" not in advisory.body  # AdvisoryLine is for editors


def test_ana_cdata_html():
    story = one_story(CORE + "ana1.xml")
    assert story.headline == "Wage employment balance positive in Jan-March"
    assert story.provider == "ana"
    assert story.version == "1"
    assert utc(story) == datetime(2018, 4, 4, 14, 58, 59, tzinfo=UTC)
    assert story.body.startswith("Wage employment in the private sector grew in March")
    assert story.body.endswith("συγκεκριμένη χρήση.")
    assert "<P>" not in story.body
    assert story.language == "en"
    assert story.dateline_location == "Athens"


def test_ats_doctype_missing_dtd_and_iso_8859_15():
    story = one_story(BELGA + "ats_newsml_1_2_belga.xml")
    assert story.headline == "Un taureau entre dans un magasin à Landquart (GR)"
    assert story.provider == "ats"
    assert story.version == "1"
    assert utc(story) == datetime(2019, 6, 3, 15, 47, 29, tzinfo=UTC)
    assert story.body.startswith("Un taureau âgé d'un an est entré dans un magasin Denner")
    assert story.body.endswith("Il a ensuite été transporté dans son enclos.")
    assert story.language == "fr"
    assert story.dateline_location == "Landquart GR"


def test_efe_embedded_full_nitf_keeps_abstract_out():
    story = one_story(BELGA + "efe_belga.xml")
    assert story.provider == "efe"
    assert story.language == "es"
    assert story.body.startswith("Nueva Delhi, 21 ene (EFE).- Una pareja de leones asiáticos")
    assert story.body.endswith("unos 500 ejemplares. EFE")
    assert ",El hombre" not in story.body  # the abstract's glued text


def test_anp_revision_two():
    story = one_story(BELGA + "anp_belga.xml")
    assert story.headline == "FNV staat alleen met acties bij PostNL (2)"
    assert story.provider == "anp"
    assert story.version == "2"
    assert story.language == "nl"
    assert utc(story) == datetime(2018, 12, 10, 8, 35, 49, tzinfo=UTC)
    assert story.version_created == datetime.fromisoformat("2018-12-10T12:37:31+01:00")


def test_belga_two_language_units_in_brussels_time():
    nl, fr = items(BELGA + "belga_newsml_1_2.xml")
    assert nl.headline == fr.headline == "Mediawatch dinsdag 29/01/2019 - VTM Nieuws - 13 uur"
    assert (nl.language, fr.language) == ("nl", "fr")
    assert nl.provider == "belga"
    assert nl.version == "4"
    # the PublicIdentifier is only "urn:newsml:www.belga.be": the guid is built
    assert nl.guid == "urn:newsml:belga.be:20190129T133400:98055798:4#98055801"
    assert fr.guid.endswith("#98056977")
    # naive Belga stamps are Brussels local time (CET, +01:00 in January)
    assert nl.published_tz_source == "provider_default"
    assert utc(nl) == datetime(2019, 1, 29, 11, 45, 50, tzinfo=UTC)
    assert nl.body.startswith("Steven Van Geel gaf zich op 31 mei 2014")  # escaped <b> removed
    assert fr.body.startswith("- drie doden in drugsloods Eksel")
    assert fr.body.endswith("vanavond docu 30 jaar VTM Nieuws (deel 2)")
    assert "Qu'y a-t-il" not in nl.body  # EditorialInfo is for editors
    assert ("DWM", "author") in nl.credits


def test_belga_media_and_tip_are_skipped():
    [audio] = items(BELGA + "belga_newsml_1_2_audio.xml")
    assert isinstance(audio, SkippedItem) and audio.reason == "non_text:audio"
    [video] = items(BELGA + "belga_newsml_1_2_video.xml")
    assert isinstance(video, SkippedItem) and video.reason == "non_text:video"
    [tip] = items(BELGA + "belga_tip_newsml_1_2.xml")
    assert isinstance(tip, SkippedItem) and tip.reason == "non_text:tip"
    story, picture = items(BELGA + "belga_remote_newsml_1_2.xml")
    assert isinstance(story, ParsedStory)
    assert story.headline == "Knooppunt Schijnpoort in Antwerpen hele zomervakantie afgesloten"
    assert story.body.startswith("In Antwerpen zal het kruispunt")  # the Lead comes first
    assert story.body.endswith("Ook de kruispunten worden veiliger gemaakt.")
    assert isinstance(picture, SkippedItem) and picture.reason == "non_text:picture"
    assert story.guid != picture.guid  # all its Duids are "0"


def test_solita_namespace_two_items_and_sections():
    en, no = items(NTB + "solita_se_1.xml")
    assert en.headline == "This is the title"
    assert no.headline == "Dette er tittelen"
    assert en.provider == "solita"
    assert (en.language, no.language) == ("en", "no")
    assert en.authors == []  # the ByLine is the issuing company
    assert utc(en) == datetime(2019, 4, 2, 14, 2, 9, tzinfo=UTC)
    assert en.body.startswith("The is the lead text\n\nThis is the body text.")
    assert en.body.endswith("This is the body text.")
    for cut in ("Disclaimer", "Lennart", "About Cypress", "Attachments", "This is the title"):
        assert cut not in en.body
    assert no.body.startswith("Dette er ingressen")


def test_business_wire_xhtml_body_role():
    story = one_story(BW + "businesswire-newsml-20130731006140.xml")
    assert story.headline == ("Lunch Taking a Toll? Let Applebee’s® Industrial Strength Lunch "
                              "Decoy Stand In")
    assert story.provider == "businesswire"
    assert story.version == "1"
    assert utc(story) == datetime(2013, 7, 31, 15, 32, tzinfo=UTC)
    assert story.body.startswith("With more Applebee’s® Lunch Combos than ever")
    assert story.body.endswith("Applebee’s International, Inc. and its affiliates.")
    assert story.dateline_location == "KANSAS CITY, Mo."
    assert story.slug == "MO-APPLEBEE’S"
    assert ".bwalignc" not in story.body  # the StyleSheet role
    zh = one_story(BW + "businesswire-newsml-20130605006126.xml")
    assert zh.language == "zh"
    assert zh.headline == "Cambrios被Gartner評選為「最酷供應商」"


def test_business_wire_body_role_without_abstract_and_tweet():
    # superdesk-cp: Abstract and TweetText components beside the Body repeat the headline
    story = one_story("superdesk-feed-fixtures/superdesk-cp/server/tests/ingest/parser/fixtures/"
                      "businesswire/20210130005024r1.xml")
    assert story.body.startswith("Interactive Brokers Group (Nasdaq: IBKR), a global brokerage firm")
    assert "Interactive Brokers lifts all trading restrictions on options" not in story.body


# -------------------------------------------------------------------- synthetic

ITEM = """<NewsItem>
 <Identification><NewsIdentifier><ProviderId>afp.com</ProviderId><DateId>20210516</DateId>
  <NewsItemId>{id}</NewsItemId><RevisionId PreviousRevision="0" Update="N">{rev}</RevisionId>
  <PublicIdentifier>urn:newsml:afp.com:20210516:{id}:{rev}</PublicIdentifier>
 </NewsIdentifier></Identification>
 <NewsManagement><NewsItemType FormalName="News"/>
  <FirstCreated>20210516T080625Z</FirstCreated>
  <ThisRevisionCreated>20210516T090625+0100</ThisRevisionCreated>
  <Status FormalName="{status}"/>{extra}
 </NewsManagement>
 {component}
</NewsItem>"""

TEXT = """<NewsComponent><NewsLines><HeadLine>Headline {id}</HeadLine>
 <ByLine>By Jane Roe</ByLine></NewsLines>
 <ContentItem><MediaType FormalName="Text"/><Format FormalName="NITF"/>
  <DataContent><nitf><body><body.content><p>Body of {id}.</p></body.content></body></nitf></DataContent>
 </ContentItem></NewsComponent>"""


def item(id: str, *, component: str | None = None, rev: str = "1", status: str = "Usable",
         extra: str = "") -> str:
    component = TEXT.format(id=id) if component is None else component
    return ITEM.format(id=id, rev=rev, status=status, extra=extra, component=component)


def newsml(*news_items: str) -> bytes:
    return ("<?xml version='1.0' encoding='utf-8'?>\n<NewsML Version='1.2'>"
            + "".join(news_items) + "</NewsML>").encode()


def test_synthetic_multi_item_with_revisions_and_embargo():
    embargo = ("<StatusWillChange><FutureStatus FormalName='Usable'/>"
               "<DateAndTime>20210517T000000Z</DateAndTime></StatusWillChange>")
    first, second = newsml_1.parse(newsml(item("A"), item("B", rev="3", status="Embargoed",
                                                          extra=embargo)), "s")
    assert (first.headline, first.body, first.version) == ("Headline A", "Body of A.", "1")
    assert first.authors == ["Jane Roe"]
    assert first.version_created == datetime.fromisoformat("2021-05-16T09:06:25+01:00")
    assert second.version == "3"
    assert second.pub_status == "withheld"
    assert second.embargo_until == datetime(2021, 5, 17, tzinfo=UTC)


def test_a_malformed_item_rejects_only_that_item():
    broken = item("B").replace("</HeadLine>", "")  # not well-formed
    result = list(newsml_1.parse(newsml(item("A"), broken, item("C")), "s"))
    assert [type(r) for r in result] == [ParsedStory, RejectedItem, ParsedStory]
    assert result[1].reason == "malformed_xml"
    assert b"Headline B" in result[1].raw
    assert result[2].headline == "Headline C"


def test_a_truncated_last_item_is_rejected():
    data = newsml(item("A"), item("B"))
    data = data[: data.index(b"Body of B")]  # the transfer stopped mid-item
    result = list(newsml_1.parse(data, "s"))
    assert [type(r) for r in result] == [ParsedStory, RejectedItem]
    assert result[1].reason == "malformed_xml"
    assert result[1].raw.startswith(b"<NewsItem>")


def test_an_item_without_text_rejects_only_that_item():
    empty = """<NewsComponent><NewsLines><HeadLine>Empty</HeadLine></NewsLines>
      <ContentItem><MediaType FormalName="Text"/><DataContent>  </DataContent></ContentItem>
      </NewsComponent>"""
    photo = """<NewsComponent><ContentItem Href="x.jpg"><MediaType FormalName="Photo"/>
      <MimeType FormalName="image/jpeg"/></ContentItem></NewsComponent>"""
    result = list(newsml_1.parse(newsml(item("A"), item("B", component=empty),
                                        item("C", component=photo),
                                        item("D", component="<NewsItemRef NewsItem='x'/>")), "s"))
    assert isinstance(result[0], ParsedStory)
    assert isinstance(result[1], RejectedItem) and result[1].reason == "no_body"
    assert isinstance(result[2], SkippedItem) and result[2].reason == "non_text:picture"
    assert result[2].guid == "urn:newsml:afp.com:20210516:C:1"
    assert isinstance(result[3], SkippedItem) and result[3].reason == "non_text:package"


def test_namespaced_and_latin1_input():
    data = ("<?xml version='1.0' encoding='ISO-8859-1'?>"
            "<n:NewsML xmlns:n='http://iptc.org/std/NewsML/2003-10-10/'>"
            + item("Ä").replace("<", "<n:").replace("<n:/", "</n:") + "</n:NewsML>")
    [story] = newsml_1.parse(data.encode("latin-1"), "s")
    assert story.headline == "Headline Ä"
    assert story.body == "Body of Ä."


def test_every_truncation_is_items_or_a_parse_error():
    # invariant: a file cut anywhere (an interrupted transfer) never raises anything but
    # ParseError, and every complete item before the cut is still read
    data = newsml(item("A"), item("B"))
    end_of_a = data.index(b"</NewsItem>") + len(b"</NewsItem>")
    for cut in range(0, len(data), 7):
        try:
            result = list(newsml_1.parse(data[:cut], "s"))
        except ParseError:
            assert cut < end_of_a
            continue
        assert result and isinstance(result[0], ParsedStory)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_input"),
        (b"<NewsML Version='1.2'><NewsEnvelope/></NewsML>", "no_items"),
        (b"<NewsML><NewsEnvelope>", "malformed_xml"),
        (b"<nitf/>", "not_newsml_1"),
    ],
)
def test_unreadable_inputs(data, reason):
    with pytest.raises(ParseError) as err:
        list(newsml_1.parse(data, "t"))
    assert err.value.reason == reason


def test_sniff_claims_only_newsml_1_roots():
    assert newsml_1.sniff(b"\n<NewsML Version=\"1.2\">")
    assert newsml_1.sniff(b'<?xml version="1.0"?>\n<!DOCTYPE NewsML PUBLIC "x" "y">\n<NewsML>')
    assert not newsml_1.sniff(b'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">')
    assert not newsml_1.sniff(b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">')
    assert not newsml_1.sniff(b"<nitf><head/></nitf>")


# ------------------------------------------------------------------------ sweep

EXPECTED_CLAIMS = {
    *(BW + f"businesswire-newsml-{n}.xml"
      for n in ("20130515006361", "20130605006126", "20130612006110", "20130731006140")),
    CORE + "afp.xml", CORE + "ana1.xml",
    NTB + "afp.xml", NTB + "afp_no_headline.xml", NTB + "solita_se_1.xml",
    *(BELGA + name for name in (
        "afp_belga.xml", "anp_belga.xml", "ats_newsml_1_2_belga.xml", "belga_newsml_1_2.xml",
        "belga_newsml_1_2_audio.xml", "belga_newsml_1_2_video.xml",
        "belga_remote_newsml_1_2.xml", "belga_tip_newsml_1_2.xml", "efe_belga.xml")),
    # CP's Business Wire release (SOURCES.md section 10)
    "superdesk-feed-fixtures/superdesk-cp/server/tests/ingest/parser/fixtures/businesswire/20210130005024r1.xml",
}


def test_sweep_over_all_corpora():
    claimed: set[str] = set()
    outcomes: Counter[str] = Counter()
    for rel, data in corpus_files():
        if not newsml_1.sniff(data[:8192]):
            continue
        claimed.add(rel)
        try:
            for result in newsml_1.parse(data, rel):
                key = type(result).__name__
                if isinstance(result, SkippedItem | RejectedItem):
                    key += ":" + result.reason
                outcomes[key] += 1
        except ParseError as err:
            outcomes[f"ParseError:{err.reason}"] += 1
    assert claimed == EXPECTED_CLAIMS
    assert outcomes == Counter({
        "ParsedStory": 18,
        "SkippedItem:non_text:audio": 1,
        "SkippedItem:non_text:video": 1,
        "SkippedItem:non_text:picture": 1,
        "SkippedItem:non_text:tip": 1,
    })
