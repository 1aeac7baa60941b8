"""The corpus files a parser's sweep test runs over: one walk, shared by the tests."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

from tests.corpora import corpus_path


def corpus_files(*folders: str, gunzip: bool = False) -> Iterator[tuple[str, bytes]]:
    """``(path relative to the corpora, bytes)`` of every file under ``folders``
    (all the corpora when none is given), in path order; ``.gz`` files unpacked
    when ``gunzip`` (the flow unpacks them before any parser runs)."""
    root = corpus_path()
    for folder in folders or ("",):
        for path in sorted(corpus_path(folder).rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            if gunzip and path.name.endswith(".gz"):
                data = gzip.decompress(data)
            yield path.relative_to(root).as_posix(), data
