"""The proof cache of `run`: which stored answer would answer a (control, subject) pair again.

An answer is keyed by the sha256 of the encoding (the SMT problem's bytes), the catalog entry (all of
the control's fields: a changed wording re-solves too, which costs little and keeps the key simple)
and the proofgate version.  A key only says where to look: the reused certificate is checked by the
kernel again, on the stored file, and its bytes must still hash to their name, before it makes a
result; one that fails either is solved afresh (never a PASS from an unchecked cache)."""
from __future__ import annotations

import hashlib
import json

from .provenance import tool_version


def control_digest(control) -> str:
    """sha256 of a catalog entry, as loaded (policy/catalog.py Control)."""
    fields = {"id": control.id, "title": control.title, "statement": control.statement,
              "applies_to": list(control.applies_to), "query": control.query.kind,
              "params": control.query.params, "mappings": control.mappings, "only_default": control.only_default}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=repr).encode()).hexdigest()


def cache_key(problem_sha256: str, control, digest: str | None = None) -> str:
    """The key; `digest`, if given, is control_digest(control) computed once for the run's many pairs."""
    digest = control_digest(control) if digest is None else digest
    return hashlib.sha256(f"{problem_sha256}\n{digest}\n{tool_version()}".encode()).hexdigest()
