"""`verify`'s second step: re-derive every encoding of a control run from the bundled inputs.

The kernel proves a fact about a problem file; this step ties that file to the reviewed configuration.
The bundled catalog and input files are read again, in the order the run read them, by the same
(untrusted but deterministic) loader and encoder, and each (control, subject)'s problem must come out
byte for byte as the bundled one.  What stays on the signer's word is only that the bundled inputs are
the estate: no program can check that.

Loads the policy modules (pydantic, PyYAML) but still no solver and no database.
"""
from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError


@dataclass
class Derived:
    compared: int = 0  # problems re-derived and equal to the bundled ones
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    catalog: str | None = None  # the bundled catalog's sha256


def rederive(manifest: dict, entries: dict, workdir: Path) -> Derived:
    """Compare every bundled `.smt2` problem with the one the bundled inputs give; `entries` as
    verify.read_archive returns them (name -> Entry with .path and .sha256)."""
    from ..pipeline.provenance import tool_version
    __version__ = tool_version()
    out = Derived()
    inputs = manifest.get("inputs") or []
    results = [r for r in manifest.get("results", []) if str(r.get("formula") or "").endswith(".smt2")]
    if not results:
        return out
    if not inputs:
        out.problems.append("encodings: the bundle holds SMT problems but no input files or catalog: "
                            "nothing ties the problems to a configuration")
        return out
    made_by = (manifest.get("run") or {}).get("tool_version")
    if made_by != __version__:
        out.problems.append(f"encodings: made by proofgate {made_by}, this is {__version__}: "
                            f"re-derive them with proofgate {made_by} (another encoder may encode differently)")
        return out
    place = workdir / "rederive"
    paths: list[str] = []
    catalog_path = None
    for i, f in enumerate(inputs):
        member = f.get("member")
        if member not in entries:
            out.problems.append(f"{f.get('path')}: input listed in the manifest but {member} is not in the bundle")
            continue
        if entries[member].sha256 != f.get("sha256"):
            out.problems.append(f"{member}: sha256 {entries[member].sha256} differs from the manifest's "
                                f"{f.get('sha256')}")
            continue
        target = place / f"{i:05d}" / _file_name(f.get("path"), member)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entries[member].path, target)
        if f.get("role") == "catalog":
            catalog_path, out.catalog = target, f.get("sha256")
        else:
            paths.append(str(target))
    if out.problems:
        return out
    if catalog_path is None:
        out.problems.append("encodings: no catalog in the bundle")
        return out
    names = {str(place / f"{i:05d}" / _file_name(f.get("path"), f.get("member"))): f.get("member")
             for i, f in enumerate(inputs)}

    def bundled(text: str) -> str:  # messages name bundle members, not our temporary files
        for tmp, member in names.items():
            text = text.replace(tmp, member)
        return text

    from ..inputs import load_inputs
    from ..policy.catalog import load_catalog
    from ..policy.errors import Unsupported
    from ..policy.queries import encode_control
    try:
        catalog = load_catalog(catalog_path)
        got = load_inputs(paths)
    except UserError as error:
        out.problems.append(f"encodings: the bundled inputs cannot be read again: {bundled(str(error))}")
        return out
    for path, why in got.refused:  # as in the run itself (a missing subject a result needs is named below)
        out.notes.append(f"{bundled(path)}: refused when read again: {bundled(why)}")
    controls = {c.id: c for c in catalog.controls}
    for r in results:
        what = f"{r.get('control')}/{r.get('subject')}"
        control, subject = controls.get(r.get("control")), got.estate.subjects.get(r.get("subject"))
        formula = entries.get(r.get("formula"))
        if formula is None:
            continue  # verify reports the missing file
        if control is None or subject is None:
            missing = "catalog has no such control" if control is None else "inputs have no such subject"
            out.problems.append(f"{what}: the bundled {missing}: its problem is not about the bundled inputs")
            continue
        source = r.get("source") or {}
        if source and names and bundled(subject.source) not in _members_with(inputs, source.get("sha256")):
            out.problems.append(f"{what}: the subject is read from {bundled(subject.source)}, not from the file "
                                f"with sha256 {source.get('sha256')} the manifest names")
            continue
        try:
            problem = encode_control(control, subject, got.estate).problem.encode()
        except Unsupported as error:
            out.problems.append(f"{what}: the bundled inputs give no problem ({error.feature}), the bundle has one")
            continue
        if hashlib.sha256(problem).hexdigest() != formula.sha256:
            out.problems.append(f"{what}: the problem derived from the bundled inputs differs from the bundled "
                                f"{formula.name}: the evidence is not about these inputs")
            continue
        out.compared += 1
    return out


def _members_with(inputs: list, sha256) -> set:
    return {f.get("member") for f in inputs if f.get("sha256") == sha256}


def _file_name(path, member) -> str:
    """The input's own file name (readers detect formats by it), made safe; else the member's."""
    name = Path(str(path or "")).name
    return name if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}", name) else Path(str(member)).name
