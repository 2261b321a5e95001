"""The store's tables: runs, controls and subjects per run, artifacts by sha256, results."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import overload

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)  # microseconds kept: runs started in one second still order


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...


def as_utc(value: datetime | None) -> datetime | None:
    """Read back as aware UTC: some sqlmodel versions and SQLite return naive datetimes (in UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.utcoffset() is None else value.astimezone(timezone.utc)


class Run(SQLModel, table=True):
    id: str = Field(primary_key=True)
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"  # "complete" once every requested formula has a result
    tool_version: str
    tool_digest: str  # sha256 of evidence/ and templates/: which (untrusted) code made the run
    kernel_version: str
    solver: str
    catalog_version: str | None = None


class Control(SQLModel, table=True):
    # Per run: a control's wording and mappings can change between catalog versions.
    run_id: str = Field(foreign_key="run.id", primary_key=True)
    id: str = Field(primary_key=True)
    title: str | None = None
    mappings: str = "{}"  # JSON {framework: [reference, ...]}
    remediation: str | None = None


class Subject(SQLModel, table=True):
    run_id: str = Field(foreign_key="run.id", primary_key=True)
    name: str = Field(primary_key=True)
    status: str = "analysed"  # or "excluded"
    reason: str | None = None  # why it was excluded


class InputFile(SQLModel, table=True):
    """A file a run read, its bytes kept as an artifact: what the run's evidence is about.
    `position` is the order the run read them in, so `verify` can read them again the same way."""
    run_id: str = Field(foreign_key="run.id", primary_key=True)
    path: str = Field(primary_key=True)  # as the run read it
    role: str  # "input" (configuration: policies, security groups, ACLs) or "catalog"
    position: int
    sha256: str
    size: int


class SubjectSource(SQLModel, table=True):
    """Where a run's subject came from: the file (by path and sha256) and the element inside it."""
    run_id: str = Field(foreign_key="run.id", primary_key=True)
    subject: str = Field(primary_key=True)
    path: str
    sha256: str
    element: str = ""


class InputStatus(SQLModel, table=True):
    """What became of each file run --inputs was given: read, skipped as not configuration, or refused (why)."""
    run_id: str = Field(foreign_key="run.id", primary_key=True)
    path: str = Field(primary_key=True)
    status: str  # read | skipped | refused
    reason: str | None = None


FORMULA_SUFFIX = {None: ".cnf", "gzip": ".cnf.gz", "xz": ".cnf.xz", "bz2": ".cnf.bz2"}  # by compression
ANSWER_SUFFIX = {"text": ".lrat", "binary": ".blrat", "model": ".model", "smt": ".smtcert", "smt-lrat": ".smtcert",
                 "smt-drat": ".smtcert", "smt-model": ".smtcert"}  # by the format the kernel read it in


class Artifact(SQLModel, table=True):
    sha256: str = Field(primary_key=True)
    size: int
    kind: str  # formula | proof | model | verdict | source (an input file) | catalog
    suffix: str  # the name's ending in bundles: FORMULA_SUFFIX, ANSWER_SUFFIX, .smt2 or .json


class ResultRow(SQLModel, table=True):
    """A stored result; `verdict` holds a Result's text."""
    __tablename__ = "result"
    __table_args__ = (UniqueConstraint("run_id", "control_id", "subject"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="run.id", index=True)
    control_id: str
    subject: str
    verdict: str  # a Result: PASS | FAIL | NOT CHECKABLE
    reason: str | None = None
    formula_path: str  # as given on the command line
    formula_sha256: str | None = Field(default=None, index=True)  # run --reuse-verdicts looks results up by it
    proof_sha256: str | None = None
    model_sha256: str | None = None
    verdict_sha256: str | None = None  # the kernel's Verdict as JSON
    kernel: str | None = None
    kernel_version: str | None = None
    kernel_digest: str | None = None
    kernel_status: str | None = None
    kernel_code: str | None = None
    solver: str | None = None
    solve_seconds: float | None = None
    check_seconds: float | None = None
    created_at: datetime


def mappings_of(control: Control | None) -> dict:
    return json.loads(control.mappings) if control and control.mappings else {}


class CachedProof(SQLModel, table=True):
    """A kernel-verified answer, by what it answers (proof cache, `run`): `key` is the sha256 of the
    encoding's digest, the catalog entry and the proofgate version (pipeline/cache.py).  Only a hint of
    where to look: a reused answer is checked by the kernel again before it makes a result."""
    __tablename__ = "cached_proof"
    key: str = Field(primary_key=True)
    formula_sha256: str
    answer_sha256: str  # the certificate (a proof or a model)
    producer: str
    created_at: datetime
