"""Untrusted code around the kernel, by role: cli/, checking/, pipeline/, store/, outputs/, bundle/, gate/,
solvers/, smt/, policy/ (README.md, "Layout"); results.py, exits.py and validation.py are what they share."""
