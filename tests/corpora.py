"""Where the tests find the shared corpora (one setting) and what happens if absent.

``WIRELAKE_CORPORA`` (default ``../shared/corpora`` from the repository root)
points at the corpora. Where it is absent a test skips with a clear message;
``WIRELAKE_REQUIRE_CORPORA=1`` (set by ``.ci/run``, since CI has the corpora)
turns that skip into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def corpora_root() -> Path:
    return Path(os.environ.get("WIRELAKE_CORPORA", REPO.parent / "shared" / "corpora")).resolve()


def corpus_path(relative: str = "") -> Path:
    """Path of ``relative`` inside the corpora; skip (or fail under CI) if missing."""
    path = corpora_root() / relative
    if not path.exists():
        message = (f"corpus file {path} is absent: set WIRELAKE_CORPORA to the shared corpora "
                   "directory (default ../shared/corpora)")
        if os.environ.get("WIRELAKE_REQUIRE_CORPORA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def corpus_bytes(relative: str) -> bytes:
    return corpus_path(relative).read_bytes()
