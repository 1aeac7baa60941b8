"""The lake's table protocol: the storage seam, the layout and partition writers, the
lease, the ledger and recovery.

No Prefect here: flows/ runs these under Prefect tasks; this package only talks
to storage (a local directory or any S3-compatible store, by URL).
"""
