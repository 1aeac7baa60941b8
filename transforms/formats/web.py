"""Helpers shared by the web formats (HTML pages, RSS, Atom, Ritzau, Solita):
providers from site names and URLs, ISO timestamps, language tags."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

_PROVIDER_DOMAINS = {
    "reuters.com": "reuters", "reutersmedia.net": "reuters", "thomsonreuters.com": "reuters",
    "ap.org": "ap", "apnews.com": "ap", "associatedpress.com": "ap",
    "afp.com": "afp", "dpa.com": "dpa", "dpa.de": "dpa", "aap.com.au": "aap", "ansa.it": "ansa",
    "anp.nl": "anp", "belga.be": "belga", "efe.com": "efe", "pa.media": "pa", "ntb.no": "ntb",
    "stt.fi": "stt", "tt.se": "tt", "kyodonews.net": "kyodo",
    "bbc.co.uk": "bbc", "bbc.com": "bbc", "businesswire.com": "businesswire",
    "ritzau.dk": "ritzau", "wenn.com": "wenn", "wenn.org": "wenn", "bloomberg.com": "bloomberg",
    "tass.com": "tass", "tass.ru": "tass", "scoop.co.nz": "scoop", "iptc.org": "iptc",
    "finance.yahoo.com": "yahoo_finance",
}
# Organisation names (publisher, site name, byline title) -> provider code.
_PROVIDER_NAMES = {
    "reuters": "reuters", "thomson reuters": "reuters", "associated press": "ap",
    "the associated press": "ap", "ap": "ap", "agence france-presse": "afp", "afp": "afp",
    "dpa": "dpa", "bbc": "bbc", "bbc news": "bbc", "bloomberg": "bloomberg", "wenn": "wenn",
    "ritzau": "ritzau", "business wire": "businesswire",
}


def provider_from_host(host: str | None) -> str | None:
    """Provider code for a host name (``www.reuters.com`` -> ``reuters``), or None."""
    if not host:
        return None
    host = host.lower().rstrip(".").split(":")[0]
    labels = host.split(".")
    for i in range(len(labels) - 1):
        code = _PROVIDER_DOMAINS.get(".".join(labels[i:]))
        if code:
            return code
    return None


def provider_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return provider_from_host(urlsplit(url.strip()).hostname)
    except ValueError:
        return None


def provider_from_name(name: str | None) -> str | None:
    if not name:
        return None
    return _PROVIDER_NAMES.get(re.sub(r"\s+", " ", name).strip().lower())


def parse_iso(value: str | None) -> datetime | None:
    """ISO 8601 timestamp (``Z``, ``+0000`` and ``+00:00`` offsets) or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


_CHANNEL_LINK = re.compile(rb"<link>\s*([^<\s]+)\s*</link>")
_CHANNEL_LANGUAGE = re.compile(rb"<language>\s*([^<\s]+)\s*</language>")


def channel_head(data: bytes) -> tuple[str | None, str | None]:
    """The site link and the language code an RSS channel names before its first
    ``<item>``: what a broken feed still tells when its items are salvaged one by
    one (RSS 2.0 and WordPress exports)."""
    head = data[:data.find(b"<item")] if b"<item" in data else b""
    link, lang = _CHANNEL_LINK.search(head), _CHANNEL_LANGUAGE.search(head)
    return (link.group(1).decode("utf-8", "replace") if link else None,
            language_code(lang.group(1).decode("utf-8", "replace")) if lang else None)


def language_code(value: str | None) -> str | None:
    """``en-US`` / ``en_GB`` / ``EN`` -> ``en``; None when it is not a language tag."""
    if not value:
        return None
    m = re.match(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$", value)
    return m.group(1).lower() if m else None


# --- visible date lines ---------------------------------------------------------

# Zone abbreviations printed on the pages of this corpus and their common peers.
# IST is India (in.reuters.com), not Israel or Ireland.
