"""The deployments' settings: the build step of ``deploy/prefect.yaml``.

Read from the environment when deploying (``prefect deploy``), with defaults.
Prefect's own ``{{ $VAR }}`` templating has no default value (an unset variable
leaves the placeholder, which then fails as a cron), hence this step. Crons are
in UTC.
"""

from __future__ import annotations

import os
from pathlib import Path

RAW_BUCKET = "wirelake-raw"
LAKE_BUCKET = "wirelake-lake"

DEFAULT_INCREMENTAL_CRON = "0 * * * *"  # hourly, on the hour (UTC)
DEFAULT_COMPACT_CRON = "30 3 * * 0"  # Sundays 03:30 (UTC)
DEFAULT_SOURCES = f"s3://{RAW_BUCKET}/"
DEFAULT_LAKE = f"s3://{LAKE_BUCKET}/lake"


def deployment_settings() -> dict[str, object]:
    """The deployments' settings, read from the environment when deploying, with their
    defaults: ``WIRELAKE_INCREMENTAL_CRON``, ``WIRELAKE_COMPACT_CRON``,
    ``WIRELAKE_DEPLOY_SOURCES`` (comma-separated), ``WIRELAKE_DEPLOY_LAKE`` and
    ``WIRELAKE_DEPLOY_PROJECT_DIR`` (the checkout the worker runs from)."""
    sources = os.environ.get("WIRELAKE_DEPLOY_SOURCES") or DEFAULT_SOURCES
    return {
        "incremental_cron": os.environ.get("WIRELAKE_INCREMENTAL_CRON") or DEFAULT_INCREMENTAL_CRON,
        "compact_cron": os.environ.get("WIRELAKE_COMPACT_CRON") or DEFAULT_COMPACT_CRON,
        "sources": [s.strip() for s in sources.split(",") if s.strip()],
        "lake": os.environ.get("WIRELAKE_DEPLOY_LAKE") or DEFAULT_LAKE,
        "project_dir": str(Path(os.environ.get("WIRELAKE_DEPLOY_PROJECT_DIR") or Path.cwd()).resolve()),
    }
