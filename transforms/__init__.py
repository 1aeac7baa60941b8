"""Pure transforms: bytes to records, records to normalized, deduplicated frames.

Nothing in this package does I/O, imports prefect/boto3 or reads the environment.
"""
