"""Canonical provider names and the agency names seen in datelines and credits."""

from __future__ import annotations

import polars as pl

from transforms import conventions

# alias (lowercase) -> canonical short name: the agency table of transforms/conventions.py
ALIASES: dict[str, str] = conventions.ALIASES

KNOWN_PROVIDERS = sorted(set(ALIASES.values()))


def canonical_provider(expr: pl.Expr) -> pl.Expr:
    """Map known aliases to the canonical name; unknown names are lowercased as they are."""
    lowered = expr.str.strip_chars().str.to_lowercase()
    return lowered.replace(ALIASES)
