"""Untrusted tooling around the kernel: solvers, generators, reports."""
