"""Untrusted theory solvers for the SMT producer: each answer carries a witness the kernel re-checks.

- `arith`: linear arithmetic (exact simplex with Farkas multipliers; LIA by cuts and branch and bound);
- `globs`: glob-pattern memberships over one string (product automaton, closed-set witnesses);
- `euf`: congruence closure with explanations.

Standard library only: worker processes import these without the rest of proofgate.
"""
