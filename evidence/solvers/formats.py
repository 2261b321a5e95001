"""What a proof is, by its file name: without loading the DRAT engine (a plain LRAT check needs none of it)."""
import os

DRAT_SUFFIXES = (".drat", ".drup", ".bdrat", ".dpr", ".proof")
LRAT_SUFFIXES = (".lrat", ".blrat", ".clrat")


def proof_format(path):
    """'drat', 'lrat' or 'model' by the file name (compression suffixes aside), or None."""
    name = os.path.basename(path).lower()
    for suffix in (".gz", ".xz", ".bz2"):
        name = name.removesuffix(suffix)
    return "drat" if name.endswith(DRAT_SUFFIXES) else "lrat" if name.endswith(LRAT_SUFFIXES) else \
        "model" if name.endswith(".model") else None
