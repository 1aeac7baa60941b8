"""Synthetic wire stories written by this project (the demo's dump and test fixtures)."""
