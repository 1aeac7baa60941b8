"""The one declaration of every table wirelake writes (see ``schemas.tables``)."""

from schemas.tables import (
    DUPLICATES,
    ITEMS,
    LEDGER,
    PARSED,
    REJECTS,
    SCHEMA_VERSION,
    STORIES,
    Column,
    Table,
)

__all__ = ["DUPLICATES", "ITEMS", "LEDGER", "PARSED", "REJECTS", "SCHEMA_VERSION", "STORIES", "Column", "Table"]
