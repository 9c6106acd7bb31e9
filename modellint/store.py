"""The audit results store: one SQLite file, a run per audit, a row per target, written as
targets finish.

SQLite from the standard library: embedded, no server, one file a user can copy, query with any
SQLite client, and keep for the next audit. The schema below is versioned (``meta.schema_version``)
and documented in docs/store.md; a store written by a newer modellint is refused rather than
misread, and an older one is migrated forward when opened for writing.

Writes go through one writer (the process that runs the audit; workers send it their outcomes)
in batched transactions: a batch is committed every ``BATCH`` targets or ``BATCH_SECONDS``,
so an audit that is interrupted, or killed, keeps every batch it committed, and memory does
not grow with the audit. The database runs in WAL mode, so ``audit history`` and ``audit diff``
can read a store while an audit writes it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from modellint import __version__
from modellint.model import Finding, Severity, TargetInfo, ToolError
from modellint.outcome import BaseRow, LicenseRow, TargetOutcome

SCHEMA_VERSION = 3
BATCH = 500
BATCH_SECONDS = 1.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,            -- UTC, ISO 8601
    finished TEXT,                    -- NULL while running or when interrupted
    status TEXT NOT NULL,             -- running | finished | interrupted
    tool_version TEXT NOT NULL,
    arguments TEXT NOT NULL,          -- JSON list: the command line's options and targets file
    total INTEGER                     -- targets selected for the run
);
CREATE TABLE IF NOT EXISTS targets (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    position INTEGER NOT NULL,        -- the target's place in the run's selection
    target TEXT NOT NULL,             -- as given: a folder, hf://org/name, ...
    kind TEXT,                        -- local | git | hf | hf-cache; NULL when it failed to open
    repo_id TEXT,                     -- org/name of a Hub repository
    name TEXT,
    revision TEXT,                    -- the resolved commit, where the source has one
    declared TEXT NOT NULL,           -- the card's license as written (summary form)
    relation TEXT,                    -- adapter | merge | quantized | finetune
    status TEXT NOT NULL,             -- ok | failed
    errors INTEGER NOT NULL,          -- active findings by severity
    warnings INTEGER NOT NULL,
    infos INTEGER NOT NULL,
    suppressed INTEGER NOT NULL,
    notes TEXT NOT NULL,              -- JSON list: what could not be read
    linted_at TEXT NOT NULL,
    origin TEXT,                      -- where it was read from: a real path, a Hub URL (v2)
    anchor TEXT,                      -- the file repository-level findings attach to (v2)
    picture TEXT,                     -- JSON: the license picture, as in the JSON report (v2)
    fail_on TEXT,                     -- error | warning | info: its own fail-on (v3; NULL: error)
    UNIQUE (run_id, target)
);
CREATE INDEX IF NOT EXISTS targets_by_name ON targets (target, run_id);
CREATE TABLE IF NOT EXISTS licenses (
    target_id INTEGER NOT NULL REFERENCES targets(id),
    component TEXT NOT NULL,          -- weights | code | data | outputs | documentation | repository
    license TEXT NOT NULL,            -- knowledge-base id where known, else the value as written
    evidence TEXT NOT NULL,           -- comma-separated evidence kinds (card, license-file, ...)
    PRIMARY KEY (target_id, component, license)
);
CREATE TABLE IF NOT EXISTS bases (
    target_id INTEGER NOT NULL REFERENCES targets(id),
    model_id TEXT NOT NULL,
    depth INTEGER NOT NULL,           -- 1: a direct parent
    licenses TEXT NOT NULL,           -- comma-separated
    source TEXT                       -- hub | local | table | NULL (unresolved)
);
CREATE INDEX IF NOT EXISTS bases_by_target ON bases (target_id);
CREATE TABLE IF NOT EXISTS findings (
    target_id INTEGER NOT NULL REFERENCES targets(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    severity TEXT NOT NULL,           -- error | warning | info
    message TEXT NOT NULL,
    path TEXT,
    line INTEGER,
    data TEXT NOT NULL,               -- JSON object
    suppressed_by TEXT,               -- config | card | waiver | baseline | NULL (active)
    suppression_reason TEXT
);
CREATE INDEX IF NOT EXISTS findings_by_target ON findings (target_id);
CREATE TABLE IF NOT EXISTS errors (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    target_id INTEGER REFERENCES targets(id),  -- NULL for a run-level error
    kind TEXT NOT NULL,               -- source | config | rule | plugin | internal
    message TEXT NOT NULL,
    code TEXT
);
CREATE INDEX IF NOT EXISTS errors_by_target ON errors (target_id);
"""


# Each step brings a store of the version before it up to the next one.
MIGRATIONS = {
    1: ("ALTER TABLE targets ADD COLUMN origin TEXT;"
        "ALTER TABLE targets ADD COLUMN anchor TEXT;"
        "ALTER TABLE targets ADD COLUMN picture TEXT;"),
    2: "ALTER TABLE targets ADD COLUMN fail_on TEXT;",
}


class StoreError(Exception):
    """The store cannot be opened or used: one clear line."""


class RunInfo(NamedTuple):
    id: int
    started: str
    finished: str | None
    status: str
    tool_version: str
    total: int | None
    targets: int  # targets recorded


class StoredTarget(NamedTuple):
    """A target as recorded in one run."""

    id: int
    run_id: int
    position: int
    target: str
    kind: str | None
    repo_id: str | None
    name: str | None
    revision: str | None
    declared: str
    relation: str | None
    status: str
    errors: int
    warnings: int
    infos: int
    suppressed: int
    notes: tuple[str, ...]
    linted_at: str


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _connect(path: str) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a modellint store ({exc})") from None
    return conn


class Store:
    """An open results store. ``Store.open(path)`` creates it when missing."""

    def __init__(self, path: str, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self._pending = 0
        self._last_commit = time.monotonic()

    @classmethod
    def open(cls, path: str, *, create: bool = True) -> Store:
        if not create and not os.path.isfile(path):
            raise StoreError(f"{path}: no such store")
        conn = _connect(path)
        try:
            version = _schema_version(conn)
            if version is None:
                if not create:
                    raise StoreError(f"{path}: not a modellint store (no schema version)")
                conn.executescript(SCHEMA)
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                             (str(SCHEMA_VERSION),))
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('created_by', ?)",
                             (f"modellint {__version__}",))
            elif version > SCHEMA_VERSION:
                raise StoreError(f"{path}: written by a newer modellint (store schema {version}, "
                                 f"this modellint reads up to {SCHEMA_VERSION})")
            elif version < SCHEMA_VERSION:
                _migrate(conn, version)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path}: not a modellint store ({exc})") from None
        except StoreError as exc:
            conn.close()
            message = str(exc)
            raise StoreError(message if message.startswith(path) else f"{path}: {message}") from None
        return cls(path, conn)

    def close(self) -> None:
        self.flush()
        self.conn.close()

    # -- writing ---------------------------------------------------------------------------

    def start_run(self, arguments: Sequence[str], total: int | None) -> int:
        cur = self.conn.execute(
            "INSERT INTO runs (started, status, tool_version, arguments, total) "
            "VALUES (?, 'running', ?, ?, ?)",
            (_now(), __version__, json.dumps(list(arguments)), total))
        return int(cur.lastrowid or 0)

    def resume_run(self, total: int | None) -> int | None:
        """The latest run, reopened for writing (None when the store has no run)."""
        row = self.conn.execute("SELECT id FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        self.conn.execute("UPDATE runs SET status = 'running', finished = NULL, "
                          "total = COALESCE(?, total) WHERE id = ?", (total, row[0]))
        return int(row[0])

    def finish_run(self, run_id: int, status: str = "finished") -> None:
        self.flush()
        self.conn.execute("UPDATE runs SET status = ?, finished = ? WHERE id = ?",
                          (status, _now() if status == "finished" else None, run_id))

    def add_run_errors(self, run_id: int, errors: Sequence[ToolError]) -> None:
        for e in errors:
            self._begin()
            self.conn.execute("INSERT INTO errors (run_id, target_id, kind, message, code) "
                              "VALUES (?, NULL, ?, ?, ?)", (run_id, e.kind, e.message, e.code))
        self.flush()

    def add(self, run_id: int, position: int, outcome: TargetOutcome) -> None:
        """Record one target's outcome (replacing an earlier record of it in the same run).
        All of it or nothing: an interrupt half-way leaves no partial target behind."""
        self._begin()
        self.conn.execute("SAVEPOINT target")
        try:
            self._add(run_id, position, outcome)
        except BaseException:
            self.conn.execute("ROLLBACK TO target")
            self.conn.execute("RELEASE target")
            raise
        self.conn.execute("RELEASE target")
        self._pending += 1
        if self._pending >= BATCH or time.monotonic() - self._last_commit >= BATCH_SECONDS:
            self.flush()

    def _add(self, run_id: int, position: int, outcome: TargetOutcome) -> None:
        c = self.conn
        old = c.execute("SELECT id FROM targets WHERE run_id = ? AND target = ?",
                        (run_id, outcome.target)).fetchone()
        if old is not None:
            for table in ("licenses", "bases", "findings", "errors"):
                c.execute(f"DELETE FROM {table} WHERE target_id = ?", (old[0],))  # noqa: S608
            c.execute("DELETE FROM targets WHERE id = ?", (old[0],))
        info = outcome.info
        counts = outcome.counts()
        suppressed = sum(1 for f in outcome.findings if f.suppressed_by is not None)
        picture = getattr(info, "licenses", None)
        cur = c.execute(
            "INSERT INTO targets (run_id, position, target, kind, repo_id, name, revision, "
            "declared, relation, status, errors, warnings, infos, suppressed, notes, linted_at, "
            "origin, anchor, picture, fail_on) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, position, outcome.target, info.kind if info else None,
             info.repo_id if info else None, info.name if info else None,
             info.revision if info else None, outcome.declared, outcome.relation,
             "failed" if outcome.failed else "ok", counts["error"], counts["warning"],
             counts["info"], suppressed, json.dumps(list(outcome.notes)), _now(),
             info.origin if info else None, info.anchor if info else None,
             json.dumps(picture.to_json(), ensure_ascii=False, default=str)
             if picture is not None else None, outcome.fail_on.value if outcome.fail_on else None))
        tid = cur.lastrowid
        c.executemany("INSERT OR IGNORE INTO licenses VALUES (?, ?, ?, ?)",
                      [(tid, r.component, r.license, ",".join(r.evidence)) for r in outcome.licenses])
        c.executemany("INSERT INTO bases VALUES (?, ?, ?, ?, ?)",
                      [(tid, b.model_id, b.depth, ",".join(b.licenses), b.source)
                       for b in outcome.bases])
        c.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(tid, f.code, f.name, f.severity.value, f.message, f.path, f.line,
              json.dumps(dict(f.data), ensure_ascii=False, default=str), f.suppressed_by,
              f.suppression_reason) for f in outcome.findings])
        c.executemany("INSERT INTO errors VALUES (?, ?, ?, ?, ?)",
                      [(run_id, tid, e.kind, e.message, e.code) for e in outcome.errors])

    def _begin(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")

    def flush(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self._pending = 0
        self._last_commit = time.monotonic()

    # -- reading ---------------------------------------------------------------------------

    def runs(self) -> list[RunInfo]:
        rows = self.conn.execute(
            "SELECT r.id, r.started, r.finished, r.status, r.tool_version, r.total, "
            "(SELECT COUNT(*) FROM targets t WHERE t.run_id = r.id) FROM runs r ORDER BY r.id")
        return [RunInfo(*row) for row in rows]

    def run(self, ref: str) -> RunInfo:
        """A run by id, or ``latest`` / ``previous`` (the one before the latest)."""
        runs = self.runs()
        if not runs:
            raise StoreError(f"{self.path}: the store holds no audit run")
        if ref in ("latest", "last"):
            return runs[-1]
        if ref == "previous":
            if len(runs) < 2:
                raise StoreError(f"{self.path}: the store holds only one run")
            return runs[-2]
        try:
            wanted = int(ref)
        except ValueError:
            raise StoreError(f"run {ref!r}: expected a run id, 'latest' or 'previous'") from None
        for r in runs:
            if r.id == wanted:
                return r
        raise StoreError(f"{self.path}: no run {wanted} (runs: {', '.join(str(r.id) for r in runs)})")

    def targets(self, run_id: int) -> Iterator[StoredTarget]:
        """A run's targets in selection order, read in a stream."""
        cur = self.conn.execute(f"SELECT {_TARGET_COLUMNS} FROM targets WHERE run_id = ? "  # noqa: S608
                                "ORDER BY position, id", (run_id,))
        for row in cur:
            yield _stored_target(row)

    def target(self, target_id: int) -> StoredTarget:
        """One recorded target by its id."""
        row = self.conn.execute(f"SELECT {_TARGET_COLUMNS} FROM targets WHERE id = ?",  # noqa: S608
                                (target_id,)).fetchone()
        return _stored_target(row)

    def target_history(self, target: str) -> list[StoredTarget]:
        rows = self.conn.execute(f"SELECT {_TARGET_COLUMNS} FROM targets WHERE target = ? "  # noqa: S608
                                 "OR repo_id = ? ORDER BY run_id", (target, _repo_id(target)))
        return [_stored_target(row) for row in rows]

    def recorded(self, run_id: int, target: str) -> tuple[bool, str | None]:
        """Whether a run holds ``target`` done (not stopped by an error), and its revision. One
        indexed lookup per target, so that resuming a million-target run holds no list of them."""
        row = self.conn.execute("SELECT revision FROM targets WHERE run_id = ? AND target = ? "
                                "AND status = 'ok'", (run_id, target)).fetchone()
        return (True, row[0]) if row is not None else (False, None)

    def findings(self, target_id: int) -> list[Finding]:
        rows = self.conn.execute(
            "SELECT f.code, f.name, f.severity, f.message, f.path, f.line, t.target, f.data, "
            "f.suppressed_by, f.suppression_reason FROM findings f JOIN targets t "
            "ON t.id = f.target_id WHERE f.target_id = ? ORDER BY f.rowid", (target_id,))
        return [Finding(code, name, Severity(sev), msg, path, line, target, json.loads(data),
                        by, reason)
                for code, name, sev, msg, path, line, target, data, by, reason in rows]

    def errors(self, target_id: int) -> list[ToolError]:
        rows = self.conn.execute(
            "SELECT e.kind, e.message, t.target, e.code FROM errors e JOIN targets t "
            "ON t.id = e.target_id WHERE e.target_id = ? ORDER BY e.rowid", (target_id,))
        return [ToolError(*row) for row in rows]

    def run_errors(self, run_id: int) -> list[ToolError]:
        rows = self.conn.execute("SELECT kind, message, NULL, code FROM errors WHERE run_id = ? "
                                 "AND target_id IS NULL ORDER BY rowid", (run_id,))
        return [ToolError(*row) for row in rows]

    def licenses(self, target_id: int) -> list[LicenseRow]:
        rows = self.conn.execute("SELECT component, license, evidence FROM licenses "
                                 "WHERE target_id = ? ORDER BY component, license", (target_id,))
        return [LicenseRow(c, lic, tuple(e.split(",")) if e else ()) for c, lic, e in rows]

    def bases(self, target_id: int) -> list[BaseRow]:
        rows = self.conn.execute("SELECT model_id, depth, licenses, source FROM bases "
                                 "WHERE target_id = ? ORDER BY rowid", (target_id,))
        return [BaseRow(m, d, tuple(x for x in lic.split(",") if x), s) for m, d, lic, s in rows]

    def outcome(self, stored: StoredTarget, with_picture: bool = True) -> TargetOutcome:
        """A stored target read back as the outcome it was recorded from (``with_picture=False``:
        without rebuilding its license picture, which only some reports show)."""
        card_license = (None if stored.declared == "(no card)" else
                        () if stored.declared == "(none)" else (stored.declared,))
        origin, anchor, picture, fail_on = self.conn.execute(
            "SELECT origin, anchor, picture, fail_on FROM targets WHERE id = ?",
            (stored.id,)).fetchone()
        threshold = Severity(fail_on) if fail_on else None  # NULL: recorded before schema 3
        info = None if stored.kind is None else TargetInfo(
            stored.target, stored.kind, origin or stored.target, stored.revision, stored.name,
            stored.repo_id, anchor, card_license,
            picture_from_json(json.loads(picture)) if picture and with_picture else None,
            threshold or Severity.ERROR)
        return TargetOutcome(stored.target, info, stored.declared,
                             tuple(self.licenses(stored.id)), stored.relation,
                             tuple(self.bases(stored.id)), tuple(self.findings(stored.id)),
                             tuple(self.errors(stored.id)), stored.notes, threshold)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql, params))


def picture_from_json(data: dict[str, Any]) -> Any:
    """The license picture rebuilt from its JSON form (as the store and the JSON report keep it):
    its parts, evidence, inherited licenses and conflicts, with knowledge-base records where the
    ids are known, so that every reporter shows it as it showed the live one."""
    from modellint.facts.picture import Conflict, Evidence, LicensePicture, Terms
    from modellint.knowledge import load_kb

    kb = load_kb()

    def evidence(e: dict[str, Any]) -> Any:
        record = kb.resolve(e["license"]) if e.get("known") else None
        return Evidence(e["kind"], e["component"], e.get("value") or "", record, e.get("path"),
                        e.get("line"), e.get("method"), e.get("confidence", 1.0), e.get("detail"))

    components = {}
    for name, t in data.get("components", {}).items():
        known, unknown = [], []
        for lic in t.get("licenses", []):
            record = kb.resolve(lic)
            if record is not None and record.id == lic:
                known.append(record)
            else:
                unknown.append(lic)
        components[name] = Terms(name, tuple(known), tuple(unknown),
                                 tuple(evidence(e) for e in t.get("evidence", [])), t.get("fallback"))
    conflicts = tuple(Conflict(c["kind"], c["component"], tuple(evidence(e) for e in c["evidence"]),
                               tuple(evidence(e) for e in c["against"]))
                      for c in data.get("conflicts", []))
    all_evidence = tuple(evidence(e) for e in data.get("evidence", [])) + tuple(
        evidence(e) for e in data.get("inherited", []))
    return LicensePicture(evidence=all_evidence, components=components, conflicts=conflicts)


_TARGET_COLUMNS = ("id, run_id, position, target, kind, repo_id, name, revision, declared, "
                   "relation, status, errors, warnings, infos, suppressed, notes, linted_at")


def _stored_target(row: tuple[Any, ...]) -> StoredTarget:
    values = list(row)
    values[15] = tuple(json.loads(values[15] or "[]"))
    return StoredTarget(*values)


def _repo_id(target: str) -> str:
    """``hf://org/name`` or a Hub URL -> ``org/name`` (else the target as given)."""
    for prefix in ("hf://", "https://huggingface.co/", "http://huggingface.co/"):
        if target.startswith(prefix):
            return "/".join(target[len(prefix):].split("/")[:2])
    return target


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    conn.execute("BEGIN")
    try:
        while version < SCHEMA_VERSION:
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            version += 1
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _schema_version(conn: sqlite3.Connection) -> int | None:
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
                            ).fetchone()
    if not has_meta:
        tables = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise StoreError("the file is an SQLite database but not a modellint store")
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise StoreError("the file is an SQLite database but not a modellint store")
    try:
        return int(row[0])
    except ValueError:
        raise StoreError(f"unreadable store schema version {row[0]!r}") from None
