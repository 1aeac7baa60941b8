"""Canonical provider names and the agency names seen in datelines and credits."""

from __future__ import annotations

import polars as pl

# alias (lowercase) -> canonical short name
ALIASES: dict[str, str] = {
    "reuters": "reuters", "thomson reuters": "reuters", "reuters news": "reuters",
    "ap": "ap", "associated press": "ap", "the associated press": "ap",
    "afp": "afp", "agence france-presse": "afp", "agence france presse": "afp",
    "dpa": "dpa", "dpa-afx": "dpa", "deutsche presse-agentur": "dpa",
    "aap": "aap", "australian associated press": "aap",
    "ansa": "ansa", "ana": "ana", "ana-mpa": "ana", "anp": "anp", "ats": "ats", "sda": "ats",
    "belga": "belga", "efe": "efe", "pa": "pa", "press association": "pa", "pa media": "pa",
    "ntb": "ntb", "stt": "stt", "tt": "tt", "kyodo": "kyodo", "kyodo news": "kyodo",
    "bbc": "bbc", "business wire": "businesswire", "businesswire": "businesswire",
    "ritzau": "ritzau", "bloomberg": "bloomberg", "tass": "tass", "xinhua": "xinhua",
    "yonhap": "yonhap", "upi": "upi", "cp": "cp", "canadian press": "cp", "the canadian press": "cp",
    "canadian_press": "cp", "apa": "apa", "pti": "pti", "ians": "ians", "interfax": "interfax",
    "anadolu": "anadolu", "cnn": "cnn", "wenn": "wenn", "prnewswire": "prnewswire",
    "pr newswire": "prnewswire", "globe newswire": "globenewswire", "marketwatch": "marketwatch",
}

KNOWN_PROVIDERS = sorted(set(ALIASES.values()))


def canonical_provider(expr: pl.Expr) -> pl.Expr:
    """Map known aliases to the canonical name; unknown names are lowercased as they are."""
    lowered = expr.str.strip_chars().str.to_lowercase()
    return lowered.replace(ALIASES)
