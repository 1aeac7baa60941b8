"""Body and headline text repair and boilerplate removal (pure polars).

``BOILERPLATE`` names every pattern removed from bodies; the quality report
counts bodies that still contain one of them (it should be 0 for each).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import polars as pl

from transforms import conventions
from transforms.normalizing import scan
from transforms.normalizing.scan import any_flag

# Control characters other than tab and newline (wire framing that leaked through,
# Reuters-21578's &#5; codes once decoded).
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
# ag-news lost the '&' of numeric entities: "#36;" for "$", "#39;" for "'".
# Not after "&amp;": "&amp;#39;" is an entity escaped twice (STT), not a lost "&".
_BROKEN_ENTITY = r"(^|[^&;]|[^p];)#(\d{2,4});"
# ... where the lost "&" of an apostrophe often left a space: "doesn #39;t".
_BROKEN_APOSTROPHE = r"(\w) #39;(\w)"
_ENTITY = r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"

# Text that was UTF-8, decoded as cp1252 (or latin-1) somewhere upstream:
# "worldâ€™s", "Â£5", "MÃ¼ller".
_MOJIBAKE = r"(?:[ÂÃ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ¡-¿]|â€|â‚¬)"
_MOJIBAKE_RUN = re.compile(r"[\u0080-\u00ff€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]{2,}")


def _byte_of(ch: str) -> int | None:
    """The byte a cp1252 (or, for C1 controls, latin-1) decoder turned into ``ch``."""
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(ch) if ord(ch) < 256 else None


def _fix_run(match: re.Match[str]) -> str:
    run = match.group(0)
    raw = [_byte_of(ch) for ch in run]
    if None in raw:
        return run
    try:
        return bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return run


def _repair_python(values: pl.Series) -> pl.Series:
    """Entities and mojibake: only for the few rows that have them (see repair_text)."""
    out = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        # Entities escaped twice ("&amp;#39;", "&amp;quot;": STT, NTB's events API) are
        # undone to the end: one pass would leave "&#39;" in the text.
        for _ in range(3):
            if "&" not in v:
                break
            unescaped = html.unescape(v)
            if unescaped == v:
                break
            v = unescaped
        if "Ã" in v or "Â" in v or "â" in v:
            v = _MOJIBAKE_RUN.sub(_fix_run, v)
        out.append(v)
    return pl.Series(out, dtype=pl.String)


# HTML that reached a text field (AG's News descriptions): block tags become
# paragraph breaks, a few inline tags vanish. Only these names, and inline ones
# only in lower case: "<SRD>" and "<I>" in Reuters-21578 are tickers, not markup.
_HTML_BLOCK = (r"<\s*/?\s*(?:[pP]|div|DIV|br|BR|li|LI|ul|UL|ol|OL|h[1-6]|section|article|blockquote"
               r"|tr|table)\b[^>]*>")
_HTML_INLINE = r"<\s*/?\s*(?:span|a|b|i|u|em|strong|font|small|sup|sub|img|abbr)\b[^>]*>"


def only_where(expr: pl.Expr, rows: Callable[[pl.Series], pl.Series],
               change: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``change(expr)``, computed on the rows ``rows`` selects only; the others keep
    their value. For a change that cannot touch a row without a cheap sign (a
    literal its pattern needs, a character NFC may change): a regex pass that finds
    nothing in most rows still scans every byte of them (issue 16: the
    photo-credit patterns alone were a fifth of normalizing)."""
    def apply(values: pl.Series) -> pl.Series:
        at = rows(values).arg_true()
        if at.len() == 0:
            return values
        changed = values.gather(at).to_frame("v").select(change(pl.col("v"))).to_series()
        return values.clone().scatter(at, changed)

    return expr.map_batches(apply, return_dtype=pl.String, is_elementwise=True)


def holding(*literals: str) -> Callable[[pl.Series], pl.Series]:
    """The rows that hold one of ``literals`` (for :func:`only_where`): a literal search
    (memchr) per literal, which for a few literals is faster than one ``contains_any``
    (its automaton scanned 5,000 synthetic bodies in 12 ms for the seven breakpoint
    literals, the seven searches in under 4)."""
    def rows(values: pl.Series) -> pl.Series:
        found = values.str.contains(literals[0], literal=True)
        for lit in literals[1:]:
            found = found | values.str.contains(lit, literal=True)
        return found

    return rows


def flagged(bits: int, *literals: str) -> Callable[[pl.Series], pl.Series]:
    """The rows that hold a byte of one of the :mod:`~transforms.normalizing.scan` flags
    ``bits`` (one compiled pass over the bytes), or one of ``literals`` (for
    :func:`only_where`)."""
    def rows(values: pl.Series) -> pl.Series:
        found = any_flag(values, bits)
        return found | holding(*literals)(values) if literals else found

    return rows


def beyond_latin(values: pl.Series) -> pl.Series:
    """The rows with a character from U+0300 on (for :func:`only_where`): NFC changes no
    other. Below U+0300 (ASCII, Latin-1, Latin Extended-A/B: "é", "ø", "ß", "ł") every
    character is its own NFC and composes with nothing before it: the combining marks
    start at U+0300 (checked against unicodedata over every code point)."""
    return values.str.contains(r"[^\x00-\u02ff]")


def _pre_python(name: str) -> pl.Expr:
    # both patterns need a "#": the other rows are left as they are
    return only_where(pl.col(name), holding("#"),
                      lambda e: e.str.replace_all(_BROKEN_APOSTROPHE, "$1'$2")
                      .str.replace_all(_BROKEN_ENTITY, "$1&#$2;"))


def _post_python(name: str) -> pl.Expr:
    # Each step needs a byte flagged: the tags a "<", the control characters and the
    # soft hyphen (U+00AD) one of CONTROL (C1 controls and U+00AD have the lead byte
    # C2), NFC a character from U+0300 on. The other rows (most) are left as they are.
    def change(e: pl.Expr) -> pl.Expr:
        return only_where(e.str.replace_all(_HTML_BLOCK, "\n\n")
                          .str.replace_all(_HTML_INLINE, "")
                          .str.replace_all(_CONTROL, "")
                          .str.replace_all(r"\u00ad", ""),  # soft hyphens
                          beyond_latin, lambda e: e.str.normalize("NFC"))

    return only_where(pl.col(name), flagged(scan.LT | scan.CONTROL | scan.BEYOND_LATIN), change)


def repair_text(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Control characters, HTML entities (also broken ones), mojibake, HTML tags that
    reached a text field, Unicode NFC, in headline and body.

    Entities and mojibake need Python (``html.unescape``, re-decoding); that runs
    on the few rows that hold them only. Mojibake comes first: its runs include C1
    controls (U+0080-U+009F) that the control-character clean-up would remove.
    """
    cols = ("body", "headline")
    lf = lf.with_row_index("_rrow").with_columns(_pre_python(c) for c in cols)
    needs = pl.any_horizontal(pl.col(c).str.contains(_ENTITY) | pl.col(c).str.contains(_MOJIBAKE) for c in cols)
    fixed = (lf.filter(needs)
             .select("_rrow", *[pl.col(c).map_batches(_repair_python, return_dtype=pl.String)
                                .alias(f"_fix_{c}") for c in cols]))
    return (lf.join(fixed, on="_rrow", how="left", maintain_order="left")
            .with_columns(pl.coalesce(f"_fix_{c}", c).alias(c) for c in cols)
            .drop("_rrow", *[f"_fix_{c}" for c in cols])
            .with_columns(_post_python(c) for c in cols))


# A photo credit: "REUTERS/Brendan McDermid/File Photo". Name tokens are
# capitalised words, so a caption glued to "NEW YORK (Reuters)" stops at "NEW".
_NAME = r"[A-Z][a-z.'’-]*(?:[A-Z][a-z'’-]+)?"  # "Lucas", "McDermid", "O'Neill"
_CREDIT = rf"\bREUTERS/{_NAME}(?: {_NAME}){{0,3}}(?:/(?:File )?Photo)?(?:/File)?"


_END_MARK = "|".join(f"(?:{m})" for m in conventions.END_MARK_ALTERNATIVES)
_AGENCY_END_MARK = "|".join(f"(?:{m})" for a in conventions.AGENCIES for m in a.end_marks)
# the parenthesised ones may also follow the last sentence with no space: ANSA's
# "... vittime innocenti".(ANSA). (superdesk-ansa located.xml)
_PAREN_END_MARK = "|".join(f"(?:{m})" for a in conventions.AGENCIES for m in a.end_marks if m.startswith(r"\("))


class EndCut:
    """A removal of the text's end from the earliest place one of ``patterns`` matches
    on; each pattern is anchored at the text's end (``$``, no look-behind at its
    start). That is what ``replace_all("|".join(patterns), "")`` gives (its one
    match starts at the earliest such place), in a pass per pattern: each alone is
    searched backwards from the end at once, but their union is too large for that
    and the regex engine scanned the whole text (issue 16: the end marks took 0.3 s
    of 10,000 stories as one pattern, a third of that as eleven)."""

    def __init__(self, *patterns: str, needs: dict[str, tuple[str, ...]] | None = None) -> None:
        self.patterns = patterns
        # ``needs``: pattern -> literals one of which it needs to match; it is looked for
        # in the texts holding one only (conventions.END_MARK_NEEDS: the patterns that
        # cannot be searched back from the end)
        self.needs = {p: needs[p] for p in patterns if needs and p in needs}

    def cut(self, values: pl.Series) -> pl.Series:
        frame = values.to_frame("v")
        found = frame.select(pl.any_horizontal(pl.col("v").str.contains(p) for p in self.patterns
                                               if p not in self.needs).fill_null(False)).to_series()
        for pattern, literals in self.needs.items():
            maybe = holding(*literals)(values).fill_null(False).arg_true()
            if maybe.len():
                hit = values.gather(maybe).str.contains(pattern).fill_null(False)
                found = found.scatter(maybe, found.gather(maybe) | hit)
        at = found.arg_true()
        if at.len() == 0:
            return values
        # Each pattern's match runs to the text's end, so removing it leaves a prefix, and
        # the earliest match the shortest: its length in bytes, then the bytes cut there.
        # (Not ``str.find``: polars 2.1 gives a byte offset and 2.2 a character offset.)
        rows = values.gather(at).to_frame("v")
        keep = pl.min_horizontal(pl.col("v").str.replace(p, "").str.len_bytes() for p in self.patterns)
        kept = rows.select(pl.col("v").cast(pl.Binary).bin.slice(0, keep).cast(pl.String)).to_series()
        return values.clone().scatter(at, kept)

    def apply(self, expr: pl.Expr) -> pl.Expr:
        return expr.map_batches(self.cut, return_dtype=pl.String, is_elementwise=True)


def _last_line(mark: str) -> str:
    """An end mark as the text's last line (for :class:`EndCut`)."""
    return rf"\n\s*(?:{mark})\s*$"


class Boilerplate:
    """A kind of boilerplate: how to find a residue of it, and how to remove it.

    ``needs``: literals one of which every pattern of the kind needs to match; the
    removals then run on the rows holding one only (:func:`only_where`)."""

    def __init__(self, detect: str, *removals: tuple[str, str] | EndCut, needs: tuple[str, ...] = ()) -> None:
        self.detect = detect
        self.removals = removals or ((detect, ""),)
        self.needs = needs

    def remove(self, body: pl.Expr) -> pl.Expr:
        """``body`` without this kind of boilerplate."""
        def strip(expr: pl.Expr) -> pl.Expr:
            for removal in self.removals:
                expr = removal.apply(expr) if isinstance(removal, EndCut) else expr.str.replace_all(*removal)
            return expr

        return only_where(body, holding(*self.needs), strip) if self.needs else strip(body)


# name -> page or wire boilerplate that never belongs in a story body
BOILERPLATE: dict[str, Boilerplate] = {
    # reuters.com 2018-2020: invisible BreakpointDetector div (SOURCES.md §0, §2)
    "breakpoint_debris": Boilerplate(
        r"(?m)^[ \t]*(?:0 : 0|[•·*][ \t]*(?:narrow|medium|wide|landscape|portrait|above)"
        r"(?:-[a-z]+)+)[ \t]*$",
        needs=("0 : 0", "narrow-", "medium-", "wide-", "landscape-", "portrait-", "above-")),
    # the trust badge, often glued to the sign-off ("...Bill BerkrotOur Standards:...")
    "trust_principles": Boilerplate(r"Our Standards: ?The Thomson Reuters Trust Principles\.?",
                                    needs=("Our Standards:",)),
    # glued to the next sentence with no space
    "slideshow": Boilerplate(r"Slideshow ?\(\d+ Images?\)", needs=("Slideshow",)),
    "min_read": Boilerplate(r"\b\d+ Min Read\b", needs=(" Min Read",)),
    # inline photo captions: "FILE PHOTO: ... REUTERS/Name", a caption paragraph
    # ending in a photo credit, or a caption glued to the dateline that follows it
    "photo_caption": Boilerplate(
        _CREDIT,
        (rf"FILE PHOTO: [^\n]*?{_CREDIT}", ""),
        (rf"(?m)^[^\n]*?{_CREDIT}[ \t]*$", ""),
        (rf"(?m)^[^\n]*?{_CREDIT}[ \t]*([A-Z][A-Z.,' ]+\([A-Za-z]+\))", "$1"),
        needs=("REUTERS/",),
    ),
    # Reuters' link codes to related stories: "[nL4N1XW01J]", "[ID:nL4N1XW01J]"
    "link_code": Boilerplate(r"\s*\[(?:ID:)?n[A-Z0-9]{8,12}\]", needs=("[",)),
    # editors' notes opening a version: "(Adds details)", "(In Jan. 3 story, corrects ...)"
    "editor_note": Boilerplate(
        r"^\s*\((?:Adds|Updates|Corrects|Recasts|Repeats|Refiles|Changes|Removes|Fixes|Inserts"
        r"|Moves|Rewrites|In [^()\n]{0,80} story|This (?:story|version) [^()\n]*)[^()]*\)\s*"),
    # Business Wire's last paragraph (SOURCES.md section 10, superdesk-cp businesswire/)
    "businesswire_source_link": Boilerplate(
        r"\s*View source version on businesswire\.com:[ \t]*https?://\S+", needs=("businesswire.com:",)),
    # agencies' end marks (transforms/conventions.py): a last line of its own ("ends",
    # "AAP RTV ar", "hh/ph/ts/hd", "==Kyodo", "(SDA\\/sj)", a reporter's e-mail, a copyright
    # line in any language), or an agency mark glued to the last sentence ("... ejemplares. EFE")
    "end_mark": Boilerplate(
        rf"\n\s*(?:{_END_MARK})\s*$|[.!?»”\"'](?:[ \t]+(?:{_AGENCY_END_MARK})|[ \t]*(?:{_PAREN_END_MARK}))\s*$",
        EndCut(*map(_last_line, conventions.END_MARK_ALTERNATIVES),  # \n\s*(?:_END_MARK)\s*$
               needs={_last_line(m): lits for m, lits in conventions.END_MARK_NEEDS.items()}),
        (rf"([.!?»”\"'])(?:[ \t]+(?:{_AGENCY_END_MARK})|[ \t]*(?:{_PAREN_END_MARK}))\s*$", "$1"),
    ),
    "ap_copyright": Boilerplate(
        r"Copyright \d{4} The Associated Press\. All rights reserved\. This material may not "
        r"be published, broadcast, rewritten,? or redistributed\.?", needs=("The Associated Press.",)),
}


def strip_boilerplate(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Remove every ``BOILERPLATE`` kind from the body."""
    body = pl.col("body")
    for kind in BOILERPLATE.values():
        body = kind.remove(body)
    return lf.with_columns(body.alias("body"))


def boilerplate_hits(body: pl.Expr) -> dict[str, pl.Expr]:
    """One boolean expression per boilerplate marker: does the body still hold it?"""
    return {name: body.str.contains(kind.detect).fill_null(False) for name, kind in BOILERPLATE.items()}


def tidy_text(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Unify line ends and spaces, at most one blank line, trimmed; empty -> null.

    A run of spaces becomes one space, but a lone plain space is not a match (it
    would be replaced by itself: a match per word, most of the pass's time); spaces
    at a line's edge go with its line end (those at the text's ends go with the
    final trim)."""
    headline = pl.col("headline").str.replace_all(r"\s+", " ").str.strip_chars()
    return lf.with_columns(
        tidy_body(pl.col("body")).alias("body"),
        pl.when(headline.str.len_chars() > 0).then(headline).otherwise(None).alias("headline"),
    )


def tidy_body(body: pl.Expr) -> pl.Expr:
    """:func:`tidy_text`'s rule for a body: one column of text, tidied; empty -> null."""
    odd = r"\t\u00a0\u2000-\u200a\u202f\u205f\u3000"
    # Only the rows one of the patterns can change: a CR, an odd space (a tab, or the lead
    # byte of one), two spaces, a space at a line's edge, three line ends. The others
    # (most: the parsers tidy their text) are only trimmed.
    body = only_where(
        body, flagged(scan.CR | scan.TAB | scan.ODD_SPACE, "  ", " \n", "\n ", "\n\n\n"),
        lambda e: e.str.replace_all(r"\r\n?", "\n")
        .str.replace_all(rf"[{odd}][ {odd}]*| [ {odd}]+", " ")
        .str.replace_all(r" *\n *", "\n")
        .str.replace_all(r"\n{3,}", "\n\n"),
    ).str.strip_chars()
    return pl.when(body.str.len_chars() > 0).then(body).otherwise(None)
