"""Deployment definitions for the Prefect flows (scheduled ingest, backfills).

Not written yet: they are the subject of the "run it like production" issue.
The flows themselves (``flows.ingest``) run today from the ``wirelake`` CLI.
"""
