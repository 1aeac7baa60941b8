"""Superdesk's parser tests as a reference suite: every assertion of theirs on a
shared fixture (tests/reference/superdesk_cases.py) holds in wirelake, or is a
reasoned difference whose alternative value holds instead.

The test prints the counts: rows, passed, reasoned differences by kind, and the
field accuracy on the held-out third of the fixture files (every third file of
each fixture folder, sorted by name) against the rest, the generalization check
of issue 14 (rules are written looking at the tuning part only).

Run it alone for the figures: ``python -m tests.reference.test_superdesk_reference``.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime

from tests.corpora import corpus_bytes, corpus_path
from tests.reference.superdesk_cases import CASES, KINDS, Case
from transforms.normalizing.normalize import normalize_stories
from transforms.reading.accounting import parsed_frame
from transforms.reading.extract import extract_file

ROOT = "superdesk-feed-fixtures/"


@functools.cache
def _file(path: str) -> tuple[dict[int, dict], Counter, set[str]]:
    """The normalized stories of one fixture (by item index), its skipped kinds and reject reasons."""
    relative = ROOT + path
    result = extract_file(corpus_bytes(relative), relative)
    stories = normalize_stories(parsed_frame([result]).lazy()).collect().to_dicts()
    by_index = {int(row["raw_uri"].rsplit("#", 1)[1]): row for row in stories}
    return by_index, Counter(result.skipped), {r["reason"] for r in result.rejects}


def _text(value: object) -> str:
    """Markup-free, entity-free, whitespace-collapsed NFC text."""
    if value is None:
        return ""
    s = html.unescape(re.sub(r"<[^>]+>", " ", str(value)))
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", s)).strip()


def _instant(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)  # naive Superdesk values are UTC


def _name(value: str) -> str:
    return _text(re.sub(r"^\s*By\s+", "", value, flags=re.I)).casefold()


def _code(value: str) -> str:
    """A subject as its code: 'subj:04000000' -> '04000000'; scheme-qualified codes stay whole."""
    return value.split(":", 1)[1] if value.startswith(("subj:", "medtop:", "iptc:")) else value


def _list(value: object) -> list:
    return list(value) if isinstance(value, (list, tuple)) else ([] if value is None else [value])


def _has(actual: object, expected: object, field: str) -> bool:
    items = _list(actual)
    if field == "subjects":
        return str(expected) in {_code(str(s)) for s in items} | {str(s) for s in items} | {
            str(s).rsplit(":", 1)[-1] for s in items}
    return _text(expected).casefold() in {_text(x).casefold() for x in items}


COMPARE = {
    "eq": lambda a, e, f: (_text(a) == _text(e)) if isinstance(e, str) else a == e,
    # a provider name: any case, '_' for a space ("Wyoming Tribune Eagle" is "wyoming_tribune_eagle")
    "provider": lambda a, e, f: a is not None and re.sub(r"[\s_-]+", " ", str(a)).casefold()
    == re.sub(r"[\s_-]+", " ", str(e)).casefold(),
    "text": lambda a, e, f: _text(a) == _text(e),
    "same": lambda a, e, f: _text(a) == _text(e),
    "starts": lambda a, e, f: _text(a).startswith(_text(e)),
    "ends": lambda a, e, f: _text(a).endswith(_text(e)),
    "contains": lambda a, e, f: _text(e) in _text(a),
    "lacks": lambda a, e, f: (_text(e) not in _text(a)) if _text(e) else (str(e) not in str(a or "")),
    "none": lambda a, e, f: a is None or a == "" or a == [],
    "utc": lambda a, e, f: _instant(a) == _instant(e),
    "lang": lambda a, e, f: a is not None and str(a).split("-")[0].casefold() == str(e).split("-")[0].casefold(),
    # a dateline's agency: one of the agencies it names ("ats afp" names ATS)
    "agency": lambda a, e, f: a is not None and _text(e).casefold() in re.split(r"[ /]+", _text(a).casefold())
    + [_text(a).casefold()],
    # a dateline place: its first part, any case ("CHEYENNE, Wyo." is "Cheyenne")
    "city": lambda a, e, f: a is not None and _text(a).split(",")[0].casefold() == _text(e).split(",")[0].casefold(),
    "names": lambda a, e, f: sorted(_name(x) for x in _list(a)) == sorted(_name(x) for x in _list(e)),
    "has": _has,
    "count": lambda a, e, f: len(_list(a)) == e,
    "unique": lambda a, e, f: len(_list(a)) == len(set(_list(a))),
}


def actual(case: Case) -> object:
    stories, skipped, rejects = _file(case.path)
    if case.field == "stories":
        return len(stories)
    if case.field == "item":
        if case.index in stories:
            return "story"
        kinds = sorted(r.removeprefix("non_text:") for r in skipped)
        if kinds:
            return f"skipped:{','.join(kinds)}"
        return f"rejected:{','.join(sorted(rejects))}" if rejects else None
    row = stories.get(case.index)
    if row is None:
        raise LookupError(f"no story #{case.index} in {case.path}")
    return row.get(case.field)


def _holds(how: str, value: object, expected: object, field: str) -> bool:
    if how in ("eq",) and field == "item":
        return value == expected or (str(expected).startswith("skipped:") and
                                     str(expected).split(":")[1] in str(value).split(":")[-1].split(","))
    return bool(COMPARE[how](value, expected, field))


def evaluate(case: Case) -> tuple[str, str]:
    """``("pass" | "differs:<kind>" | "fail", detail)`` for one case."""
    try:
        value = actual(case)
    except LookupError as e:
        return "fail", str(e)
    if _holds(case.how, value, case.expected, case.field):
        if case.differs is not None:
            return "fail", f"marked as a difference ({case.differs.kind}) but Superdesk's value now holds: " \
                           "drop the Differs"
        return "pass", ""
    if case.differs is None:
        return "fail", f"expected {case.expected!r} ({case.how}), got {value!r}"
    if case.differs.kind not in KINDS:
        return "fail", f"unknown difference kind {case.differs.kind!r}"
    ours = case.differs.ours
    how = "eq" if case.how in ("none", "unique") else case.how
    if ours is not None and not _holds(how, value, ours, case.field):
        return "fail", f"reasoned difference, but wirelake gives {value!r}, not the documented {ours!r}"
    return f"differs:{case.differs.kind}", case.differs.reason


def held_out(path: str) -> bool:
    """Every third fixture file of a folder (sorted): kept aside while rules were written."""
    folder = path.rsplit("/", 1)[0]
    files = sorted({c.path for c in CASES if c.path.rsplit("/", 1)[0] == folder})
    return files.index(path) % 3 == 2


def summary() -> tuple[Counter, list[tuple[Case, str]], dict[str, Counter]]:
    counts: Counter = Counter()
    failures: list[tuple[Case, str]] = []
    split: dict[str, Counter] = {"tuning": Counter(), "held_out": Counter()}
    for case in CASES:
        status, detail = evaluate(case)
        counts["rows"] += 1
        counts[status] += 1
        part = split["held_out" if held_out(case.path) else "tuning"]
        part["rows"] += 1
        part["right"] += status != "fail"
        if status == "fail":
            failures.append((case, detail))
    return counts, failures, split


def report(counts: Counter, split: dict[str, Counter]) -> str:
    diffs = {k: v for k, v in sorted(counts.items()) if k.startswith("differs:")}
    lines = [f"superdesk reference: {counts['rows']} rows, {counts['pass']} passed, "
             f"{sum(diffs.values())} reasoned differences, {counts['fail']} failed"]
    lines += [f"  {k.split(':', 1)[1]}: {v}" for k, v in diffs.items()]
    for name, part in split.items():
        pct = 100 * part["right"] / part["rows"] if part["rows"] else 0.0
        lines.append(f"  {name}: {part['right']}/{part['rows']} right ({pct:.1f}%)")
    return "\n".join(lines)


def test_superdesk_reference(capsys):
    corpus_path(ROOT)  # skip (or fail under CI) without the corpora
    counts, failures, split = summary()
    with capsys.disabled():
        print("\n" + report(counts, split))
    assert not failures, "\n".join(f"{c.id} [{c.src}]: {d}" for c, d in failures)


def test_table_is_well_formed():
    """Every row names a known comparison, a Superdesk source and a reason where it differs."""
    for case in CASES:
        assert case.how in COMPARE, case.id
        assert case.src.split(":", 1)[0] in ("core", "aap", "belga", "ntb", "cp", "ansa"), case.id
        if case.differs is not None:
            assert case.differs.kind in KINDS and len(case.differs.reason) > 20, case.id


if __name__ == "__main__":
    import sys

    counts, failures, split = summary()
    for case, detail in failures:
        if "--tuning" in sys.argv and held_out(case.path):
            continue  # while writing rules, look at the tuning part only
        print(f"FAIL {case.id} [{case.src.split('::')[-1]}]: {detail}"[:400])
    print(report(counts, split))
