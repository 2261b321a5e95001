"""Untrusted producers of proofs: CaDiCaL through python-sat (its private API in _compat), and the DRAT engine."""
