"""Dedup: per-item features and fingerprints (``features``, ``fingerprint``), then the
links, clusters and kept story of each cluster (``cluster``)."""
