"""``language`` as ISO 639-1: the source's own tag, normalized, else detected.

Detection counts very common function words of each language in the first
2,000 characters (a stop-word profile, pure polars). It is meant for what
wire corpora carry (news prose in a handful of European languages), not for
short or mixed texts: fewer than three hits leaves the language null.
"""

from __future__ import annotations

import polars as pl

_STOPWORDS = {
    "en": "the|and|of|to|in|is|that|for|on|with|said|was|by|from|it|has|have|are|at",
    "de": "der|die|das|und|nicht|mit|ist|den|von|sich|auf|für|dem|ein|eine|auch|wurde|sagte",
    "fr": "le|la|les|et|des|est|une|dans|pour|que|qui|sur|pas|au|du|avec|ont|été",
    "es": "el|los|las|del|que|en|por|una|con|para|se|su|al|fue|como|más|dijo|ha",
    "it": "il|della|che|di|per|una|sono|gli|nel|alla|del|non|con|anche|ha|è|stato",
    "nl": "de|het|een|van|en|niet|dat|op|voor|zijn|met|ook|worden|werd|naar|heeft|bij",
    "sv": "och|att|inte|är|för|som|av|på|med|till|det|den|har|var|om|också|sade|sa",
    "no": "og|ikke|av|etter|ble|som|på|med|til|det|har|var|er|også|sier|skal|kan",
    "da": "og|ikke|af|efter|blev|som|på|med|til|det|har|var|er|også|siger|skal|kan",
    "fi": "ja|on|ei|että|oli|se|hän|mutta|kun|myös|ovat|joka|tai|sen|mukaan|kanssa",
    "pt": "de|que|não|uma|os|para|com|por|mais|das|dos|foi|ao|pelo|como|disse|seu",
}
_THREE_LETTER = {"eng": "en", "ger": "de", "deu": "de", "fre": "fr", "fra": "fr", "spa": "es",
                 "ita": "it", "dut": "nl", "nld": "nl", "swe": "sv", "nor": "no", "nob": "no",
                 "nno": "no", "nb": "no", "nn": "no", "dan": "da", "fin": "fi", "por": "pt"}


def normalized_tag(expr: pl.Expr) -> pl.Expr:
    """'en-GB' -> 'en', 'ger' -> 'de', 'nb' -> 'no'; anything else lowercased."""
    base = expr.str.strip_chars().str.to_lowercase().str.replace(r"[-_].*$", "")
    return base.replace(_THREE_LETTER)


def detect_language(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Normalize the source's tag; detect only where the source gave none (the
    counting runs on those rows alone)."""
    base = lf.with_row_index("_lrow").with_columns(normalized_tag(pl.col("language")).alias("language"))
    todo = base.filter(pl.col("language").is_null()).select("_lrow", _detected().alias("_detected"))
    return (base.join(todo, on="_lrow", how="left", maintain_order="left")
            .with_columns(pl.coalesce("language", "_detected").alias("language"))
            .drop("_lrow", "_detected"))


def _detected() -> pl.Expr:
    text = pl.concat_str(pl.col("headline").fill_null(""), pl.lit(" "),
                         pl.col("body").fill_null("").str.slice(0, 2000)).str.to_lowercase()
    langs = list(_STOPWORDS)
    score_list = pl.concat_list([text.str.count_matches(rf"\b(?:{_STOPWORDS[lang]})\b") for lang in langs])
    top = score_list.list.max()
    winner = score_list.list.arg_max()
    return (pl.when(top >= 3)
            .then(winner.replace_strict(dict(enumerate(langs)), return_dtype=pl.String))
            .otherwise(None))
