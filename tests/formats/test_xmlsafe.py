"""XML is parsed without DTDs, network or entity expansion, and bytes win over a lying declaration."""

import pytest

from transforms.formats import ParseError
from transforms.formats.xmlsafe import parse_xml, xml_text

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<r>&lol4;</r>"""


def test_billion_laughs_is_not_expanded():
    root = parse_xml(BILLION_LAUGHS, format="t")
    text = "".join(root.itertext())
    assert "lollol" not in text and len(text) < 20  # the reference stays a reference


def test_external_entity_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>'
    root = parse_xml(doc.encode(), format="t")
    assert "TOP-SECRET" not in "".join(root.itertext())


def test_missing_dtd_still_parses():
    root = parse_xml(b'<?xml version="1.0"?><!DOCTYPE nitf SYSTEM "../dtd/nitf-3-2.dtd">'
                     b"<nitf><body/></nitf>", format="t")
    assert root.tag == "nitf"


def test_declared_latin1_holding_utf8_comes_out_right():
    # superdesk pa4.xml: declares iso-8859-1, holds UTF-8 (SOURCES.md section 6)
    data = '<?xml version="1.0" encoding="iso-8859-1"?><p>£5 café</p>'.encode()
    assert parse_xml(data, format="t").text == "£5 café"


def test_real_latin1_and_bom():
    assert parse_xml('<?xml version="1.0" encoding="iso-8859-1"?><p>Müller</p>'.encode("latin-1"),
                     format="t").text == "Müller"
    assert xml_text(b"\xef\xbb\xbf<?xml version='1.0'?><p>x</p>") == "<p>x</p>"


def test_malformed_is_a_parse_error():
    with pytest.raises(ParseError) as err:
        parse_xml(b"<a><b></a>", format="t")
    assert err.value.reason == "malformed_xml"
