"""The evidence store: runs, controls, subjects and results in SQL; artifacts on disk.

Artifacts (formulas, proofs, models, verdict JSON) are content-addressed: a file's
name is its sha256.  A result row refers to artifacts by hash and is committed only
after they are on disk (written to a temporary file, fsynced, renamed), in the same
transaction as the result's control and subject: a run killed at any point leaves
no result without its artifacts, at worst an unreferenced artifact.

SQLite by default (``.proofgate/evidence.db``, artifacts beside it); any SQLAlchemy
URL (``postgresql+psycopg://...``) with an artifacts directory of its own.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import delete, insert
from sqlalchemy import select as sa_select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel, col, create_engine, select

from ..errors import UserError
from ..results import Result
from .models import (
    Artifact,
    CachedProof,
    Control,
    InputFile,
    InputStatus,
    ResultRow,
    Run,
    Subject,
    SubjectSource,
    utcnow,
)

DEFAULT_DB = "sqlite:///.proofgate/evidence.db"
RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class StoreError(UserError):
    """A store that cannot be opened, or a run or artifact that is not there (exit code 2)."""


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # not possible everywhere (e.g. Windows); the rename is still atomic
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_sha256(path) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


class Store:
    def __init__(self, url: str | None = None, artifacts: str | os.PathLike | None = None):
        url = url or DEFAULT_DB
        try:
            parsed = make_url(url)
        except Exception as error:
            raise StoreError(f"bad database URL {url!r}: {error}") from None
        self.url = url
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            db = Path(parsed.database)
            db.parent.mkdir(parents=True, exist_ok=True)
            artifacts = artifacts or db.parent / "artifacts"
        if artifacts is None:
            raise StoreError(f"{parsed.render_as_string(hide_password=True)}: give --artifacts DIR "
                             "(or PROOFGATE_ARTIFACTS) for a database that is not a SQLite file")
        self.artifacts = Path(artifacts)
        self.tmp = self.artifacts / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        try:
            self.engine = create_engine(url)
            SQLModel.metadata.create_all(self.engine)
            for index in ResultRow.__table__.indexes:  # type: ignore[attr-defined]  # a store made before it had one
                index.create(self.engine, checkfirst=True)
        except (SQLAlchemyError, ImportError) as error:
            raise StoreError(f"cannot open the store {parsed.render_as_string(hide_password=True)}: "
                             f"{str(error).splitlines()[0]}") from None

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- artifacts ---------------------------------------------------------

    def path_of(self, sha256: str) -> Path:
        return self.artifacts / sha256[:2] / sha256

    def temp_path(self, suffix: str = "") -> Path:
        """A fresh name on the artifacts' file system for a file to be ingested, not yet created: whoever
        holds the name removes the file if anything stops the work (a SIGTERM included), and there is
        no moment at which the file exists while nobody holds its name."""
        return self.tmp / f"{uuid.uuid4().hex}{suffix}"

    def ingest(self, tmp: Path, durable: bool = True) -> tuple[str, int]:
        """Move a finished temporary file into the store: hash, fsync, rename.  durable=False leaves
        both fsyncs to the caller's one syncfs for many files (batch.sync), which must come before
        any result naming the file is recorded."""
        sha, size = file_sha256(tmp)
        if durable:
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
        final = self.path_of(sha)
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)  # same bytes if it was there: replacing is harmless
        if durable:
            _fsync_dir(final.parent)
        return sha, size

    def put_file(self, path) -> tuple[str, int]:
        return self._put(lambda tmp: shutil.copyfile(path, tmp))

    def put_bytes(self, data: bytes, durable: bool = True) -> tuple[str, int]:
        return self._put(lambda tmp: tmp.write_bytes(data), durable)

    def put_bytes_once(self, data: bytes) -> tuple[str, int]:
        """put_bytes(durable=False), not written again when a file of that name is there already
        (a re-run's problems and certificates: the sync still covers the earlier write)."""
        sha = hashlib.sha256(data).hexdigest()
        if self.has_artifact(sha):
            return sha, len(data)
        return self.put_bytes(data, durable=False)

    def _put(self, write, durable: bool = True) -> tuple[str, int]:
        tmp = self.temp_path()
        try:
            write(tmp)
            return self.ingest(tmp, durable)
        except BaseException:  # an interrupt too: no temporary file is left behind
            tmp.unlink(missing_ok=True)
            raise

    def has_artifact(self, sha256: str) -> bool:
        return os.path.isfile(os.path.join(self.artifacts, sha256[:2], sha256))  # path_of, without Path's cost

    # --- runs --------------------------------------------------------------

    def begin_run(self, run_id: str | None = None, resume: bool = False, **fields) -> Run:
        with self.session() as s:
            if run_id is not None:
                if not RUN_ID.match(run_id):
                    raise StoreError(f"bad run id {run_id!r}: use letters, digits, '.', '_' and '-'")
                run = s.get(Run, run_id)
                if run is not None:
                    run.status, run.finished_at = "running", None
                    s.add(run)
                    s.commit()
                    return run
                if resume:
                    raise StoreError(f"no run {run_id!r} to resume in {self.display_url()}")
            run = Run(id=run_id or new_run_id(), started_at=utcnow(), **fields)
            s.add(run)
            s.commit()
            return run

    def finish_run(self, run_id: str) -> None:
        with self.session() as s:
            run = s.get(Run, run_id)
            if run is None:
                raise StoreError(f"no run {run_id!r} in {self.display_url()}")
            run.status, run.finished_at = "complete", utcnow()
            s.add(run)
            s.commit()

    def runs(self) -> list[Run]:
        with self.session() as s:
            return list(s.exec(select(Run).order_by(col(Run.started_at), col(Run.id))))

    def run(self, run_id: str | None = None) -> Run:
        """The run named, or the latest one."""
        with self.session() as s:
            if run_id is None:
                run = s.exec(select(Run).order_by(col(Run.started_at).desc(), col(Run.id).desc())).first()
                if run is None:
                    raise StoreError(f"no runs in {self.display_url()}: run `proofgate prove` first")
                return run
            run = s.get(Run, run_id)
            if run is None:
                raise StoreError(f"no run {run_id!r} in {self.display_url()}")
            return run

    def previous_run(self, run: Run) -> Run | None:
        with self.session() as s:
            return s.exec(select(Run).where((col(Run.started_at) < run.started_at) | (
                (col(Run.started_at) == run.started_at) & (col(Run.id) < run.id)))
                .order_by(col(Run.started_at).desc(), col(Run.id).desc())).first()

    def results(self, run_id: str) -> list[ResultRow]:
        with self.session() as s:
            return list(s.exec(select(ResultRow).where(ResultRow.run_id == run_id)
                               .order_by(ResultRow.control_id, ResultRow.subject)))

    def controls(self, run_id: str) -> dict[str, Control]:
        with self.session() as s:
            return {c.id: c for c in s.exec(select(Control).where(Control.run_id == run_id))}

    def subjects(self, run_id: str) -> list[Subject]:
        with self.session() as s:
            return list(s.exec(select(Subject).where(Subject.run_id == run_id).order_by(Subject.name)))

    def add_input_files(self, run_id: str, paths: list[tuple[str, str]]) -> dict[str, str]:
        """Keep each (path, role) the run read as an artifact and list it under the run, in order;
        returns path -> sha256."""
        digests = {}
        with self.session() as s:
            for position, (path, role) in enumerate(paths):
                sha, size = self.put_file(path)
                if s.get(Artifact, sha) is None:
                    s.add(Artifact(sha256=sha, size=size, kind="catalog" if role == "catalog" else "source",
                                   suffix=_suffix(path)))
                    s.flush()
                s.merge(InputFile(run_id=run_id, path=str(path), role=role, position=position, sha256=sha, size=size))
                digests[str(path)] = sha
            s.commit()
        return digests

    def add_subject_sources(self, run_id: str, sources: list[SubjectSource]) -> None:
        with self.session() as s:
            for source in sources:
                s.merge(source)
            s.commit()

    def input_files(self, run_id: str) -> list[InputFile]:
        with self.session() as s:
            return list(s.exec(select(InputFile).where(InputFile.run_id == run_id).order_by(col(InputFile.position))))

    def subject_sources(self, run_id: str) -> dict[str, SubjectSource]:
        with self.session() as s:
            return {x.subject: x for x in s.exec(select(SubjectSource).where(SubjectSource.run_id == run_id))}

    def artifacts_by_hash(self, hashes) -> dict[str, Artifact]:
        hashes = sorted({h for h in hashes if h})
        with self.session() as s:
            return {a.sha256: a for a in s.exec(select(Artifact).where(col(Artifact.sha256).in_(hashes)))} \
                if hashes else {}

    def record(self, result: ResultRow, artifacts: list[Artifact], control: Control | None = None,
               subject: Subject | None = None) -> None:
        """Commit a result with its artifact rows, control and subject, in one transaction.
        Refuses a result whose artifacts are not on disk: the store never claims what it lacks."""
        _backed(result)
        for a in artifacts:
            if not self.has_artifact(a.sha256):
                raise StoreError(f"artifact {a.sha256} is not on disk; the result is not recorded")
        with self.session() as s:
            for a in artifacts:
                if s.get(Artifact, a.sha256) is None:
                    s.add(a)
            if control is not None and s.get(Control, (control.run_id, control.id)) is None:
                s.add(control)
            if subject is not None and s.get(Subject, (subject.run_id, subject.name)) is None:
                s.add(subject)
            old = s.exec(select(ResultRow).where(ResultRow.run_id == result.run_id,
                                                 ResultRow.control_id == result.control_id,
                                                 ResultRow.subject == result.subject)).first()
            if old is not None:  # proved again in the same run: the newer result replaces it
                s.delete(old)
                s.flush()
            s.add(result)
            s.commit()

    def record_many(self, run_id: str, entries) -> None:
        """`record` for a batch, in one transaction: [(result, artifacts)], each with the control
        and subject its result names (added if new).  The same refusal: every artifact on disk first.
        Rows go in as plain inserts (not through the ORM's unit of work: it cost more than the
        kernel's checks of small proofs); each result gets its id back."""
        for result, _ in entries:
            _backed(result)
        arts = {a.sha256: a for _, artifacts in entries for a in artifacts}
        for sha in arts:
            if not self.has_artifact(sha):
                raise StoreError(f"artifact {sha} is not on disk; the batch is not recorded")
        keys = {(r.control_id, r.subject) for r, _ in entries}
        names = [name for name in ResultRow.model_fields if name != "id"]
        with self.engine.begin() as db:  # one transaction: all of it or nothing
            have: set[str] = set()
            for part in _parts(sorted(arts)):
                have.update(db.execute(select(Artifact.sha256).where(col(Artifact.sha256).in_(part))).scalars())
            new = [{"sha256": a.sha256, "size": a.size, "kind": a.kind, "suffix": a.suffix}
                   for sha, a in arts.items() if sha not in have]
            if new:
                db.execute(insert(Artifact), new)
            controls = set(db.execute(select(Control.id).where(Control.run_id == run_id)).scalars())
            new = [{"run_id": run_id, "id": c} for c in sorted({c for c, _ in keys} - controls)]
            if new:
                db.execute(insert(Control), new)
            subjects = set(db.execute(select(Subject.name).where(Subject.run_id == run_id)).scalars())
            new = [{"run_id": run_id, "name": n, "status": "analysed"} for n in sorted({n for _, n in keys} - subjects)]
            if new:
                db.execute(insert(Subject), new)
            stale = []  # checked again in the same run: the newer result replaces it
            for part in _parts(sorted({c for c, _ in keys})):
                rows = db.execute(select(ResultRow.id, ResultRow.control_id, ResultRow.subject).where(
                    ResultRow.run_id == run_id, col(ResultRow.control_id).in_(part)))
                stale += [i for i, c, n in rows if (c, n) in keys]
            for part in _parts(stale):
                db.execute(delete(ResultRow).where(col(ResultRow.id).in_(part)))
            if entries:
                ids = db.execute(insert(ResultRow).returning(col(ResultRow.id), sort_by_parameter_order=True),
                                 [{n: getattr(r, n) for n in names} for r, _ in entries]).scalars().all()
                for (r, _), i in zip(entries, ids):
                    r.id = i

    # --- proof cache (run) -----------------------------------------------------

    def cached(self, keys) -> dict[str, CachedProof]:
        """The cache's entries for these keys (pipeline/cache.py), those it has."""
        keys = sorted(set(keys))
        found: dict[str, CachedProof] = {}
        with self.session() as s:
            for part in _parts(keys):
                found.update((c.key, c) for c in s.exec(select(CachedProof).where(col(CachedProof.key).in_(part))))
        return found

    def verified_verdicts(self, formula_sha256s) -> list[tuple[str, str, str, str, str]]:
        """(formula, answer (proof or model), verdict, kernel, kernel digest) sha256s and names of the
        results whose kernel said VERIFIED, over these formulas: where `run --reuse-verdicts` finds
        the verdict stored with a cached answer."""
        keys = sorted(set(formula_sha256s))
        found: set[tuple] = set()
        columns = [col(c) for c in (ResultRow.formula_sha256, ResultRow.proof_sha256, ResultRow.model_sha256,
                                    ResultRow.verdict_sha256, ResultRow.kernel, ResultRow.kernel_digest)]
        with self.engine.connect() as db:
            for part in _parts(keys):
                found.update(tuple(row) for row in db.execute(
                    sa_select(*columns).where(col(ResultRow.formula_sha256).in_(part),
                                              col(ResultRow.kernel_status) == "VERIFIED").distinct()))
        return sorted((f, p or m, v, k, d) for f, p, m, v, k, d in found if (p or m) and v and k and d)

    def remember(self, entries: list[CachedProof]) -> None:
        """Cache entries, the newer replacing the older (an answer solved again after a rejected reuse)."""
        if not entries:
            return
        with self.engine.begin() as db:
            for part in _parts([e.key for e in entries]):
                db.execute(delete(CachedProof).where(col(CachedProof.key).in_(part)))
            db.execute(insert(CachedProof), [e.model_dump() for e in entries])

    def add_control(self, control: Control) -> None:
        with self.session() as s:
            s.merge(control)
            s.commit()

    def add_input_statuses(self, statuses) -> None:
        with self.session() as s:
            for f in statuses:
                s.merge(f)
            s.commit()

    def input_statuses(self, run_id: str) -> list[InputStatus]:
        with self.session() as s:
            return list(s.exec(select(InputStatus).where(InputStatus.run_id == run_id).order_by(InputStatus.path)))

    def add_subject(self, subject: Subject) -> None:
        with self.session() as s:
            s.merge(subject)
            s.commit()

    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)


def _suffix(path) -> str:
    """An input's ending in bundles (readers detect formats by it); odd endings are dropped."""
    suffix = Path(path).suffix
    return suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", suffix) else ""


def _backed(result: ResultRow) -> None:
    """The rule everything rests on, guarded here, where every result goes in: no PASS or FAIL without
    the kernel's VERIFIED verdict stored beside it (from_verdict is the only maker of either)."""
    if Result(result.verdict) is not Result.NOT_CHECKABLE and not (result.kernel_status == "VERIFIED"
                                                                 and result.verdict_sha256):
        raise RuntimeError(f"a {result.verdict} without a kernel verdict")  # never: a bug of ours


def _parts(values, size: int = 500):
    """A long IN list in parts: SQLite allows a limited number of variables per statement."""
    return [values[k:k + size] for k in range(0, len(values), size)]
