"""Reading: raw bytes to parsed records (containers, format detection and parsing per
file, records, and the per-file accounting of what became of every item)."""
