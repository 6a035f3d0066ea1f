"""The open HSDS 3.0 API (read-only, public data only): /api/hsds/."""
