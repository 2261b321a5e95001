"""The CI gate: its configuration, and the decision whether a run passes it."""
