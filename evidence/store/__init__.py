"""The evidence store: runs, controls, subjects and results in SQL; artifacts on disk by sha256."""
