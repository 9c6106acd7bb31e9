"""Card indexes: base models' license fields by Hub id, read from cards the user already has.

Two sources of base licenses sit between the Hub and the offline table (``facts.lineage``):

- **the audit's batch**: an audit of many targets is a supply chain, and a base that is one of the
  targets resolves from that target's own card. Before linting, ``build_batch`` lists every local
  target's card (a folder, a clone, or a Hub cache folder; the Hub id from the clone's ``origin``
  or the cache folder's name) in an index file that every worker, thread, forked process or Dask
  worker on the same machine, opens read-only by path (``RunOptions.batch_index``). The batch
  keeps where each card is, not what it says: a card's front matter is parsed when a derivative
  asks for it as a base (few cards are someone's base, and every card is parsed anyway when it is
  linted; parsing each twice cost an audit a fifth of its time), and kept for the process's later
  lookups. The file lives in modellint's cache directory and goes when the audit ends (with
  caching turned off there is no batch index); an index of a million cards is a few hundred MB of
  SQLite, not memory. Hub targets (``hf://``) are left out: online, their bases resolve from the
  Hub, which comes first.
- **the local card index**: ``modellint index build FOLDER... [--hub-cache]`` reads a folder of
  cards (``org_name.md`` files, or ``org/name/README.md`` clones) or the Hugging Face cache
  (``models--org--name`` snapshots) into ``card-index.sqlite`` in modellint's cache directory,
  which every later scan consults, online or not.

SQLite (from the standard library) because lookups by key must not load the whole index, and
several processes read it at once. Only the license fields and ``base_model`` are kept: that is
all lineage needs, and a card's prose never leaves the machine it was read on.

Dataset cards are indexed too (a dataset card is told from a model card by its keys:
``modellint.cardkind``; a ``datasets--org--name`` cache folder or a clone of a Hub dataset is one
by where it comes from), under ``datasets/org/name``: a dataset and a model may share an id. Data
lineage (``facts.dataset``) reads them through ``DatasetView``.
"""

import json
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sqlite3

INDEX_FILE = "card-index.sqlite"
DATASET_PREFIX = "datasets/"  # the key of a dataset's entry: datasets/org/name
SCHEMA_VERSION = 1
MAX_CARD_BYTES = 256 * 1024  # front matter lives at the top; that is all that is read
MAX_READ = 10_000  # batch cards kept parsed per index and process
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards (
    id TEXT PRIMARY KEY,          -- the Hub id, lower-cased
    repo_id TEXT NOT NULL,        -- as spelt
    license TEXT,                 -- JSON list of the card's license values (NULL: not read
    license_name TEXT,            --   yet, an audit's batch: read from path when asked for)
    license_link TEXT,
    base_models TEXT,             -- JSON list of the card's base_model entries
    path TEXT                     -- where the card was read
);
"""


class CardEntry(NamedTuple):
    """What an index keeps of one card."""

    repo_id: str
    license: tuple[str, ...]
    license_name: str | None
    license_link: str | None
    base_models: tuple[str, ...]
    path: str | None


def default_index_path() -> str | None:
    from modellint.cachedir import cache_dir

    folder = cache_dir()
    return os.path.join(folder, INDEX_FILE) if folder else None


def front_matter(text: str) -> dict[str, Any]:
    """A card's front matter as a mapping (empty when it has none or it is broken): only the
    lines between the fences are parsed, never the body."""
    from modellint.facts.card import front_matter_start, parse_front_matter

    lines = text.split("\n", 2000)
    start = front_matter_start(lines)
    if start is None:
        return {}
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return {}
    value, error, _ = parse_front_matter("\n".join(lines[start + 1:end]))
    return value if error is None and isinstance(value, dict) else {}


def entry_from_card(repo_id: str, text: str, path: str | None,
                    repo_type: str | None = None) -> CardEntry:
    """The index entry of one card; a dataset's (``repo_type``, else told by its card's keys) is
    kept under ``datasets/org/name``."""
    from modellint.cardkind import DATASET, kind_of_keys
    from modellint.facts.basecard import resolved_from_metadata

    meta = front_matter(text)
    if repo_type is None:
        repo_type = kind_of_keys(meta)
    if repo_type == DATASET and not repo_id.startswith(DATASET_PREFIX):
        repo_id = DATASET_PREFIX + repo_id
    found = resolved_from_metadata(repo_id, meta, "index")
    return CardEntry(repo_id, found.license, found.license_name, found.license_link,
                     found.base_models, path)


def write_index(path: str, entries: Iterable[CardEntry]) -> int:
    """Write (or replace) an index at ``path``; returns the number of cards kept. Later entries
    for the same id win (a newer snapshot of a cache folder, the second of two copies)."""
    return _write(path, ((e.repo_id.lower(), e.repo_id, json.dumps(list(e.license)), e.license_name,
                          e.license_link, json.dumps(list(e.base_models)), e.path)
                         for e in entries))


def _write(path: str, rows: Iterable[tuple[Any, ...]]) -> int:
    import sqlite3

    tmp = f"{path}.{os.getpid()}.tmp"
    if os.path.exists(tmp):
        os.unlink(tmp)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(_SCHEMA)
        db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        db.executemany("INSERT OR REPLACE INTO cards VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        db.commit()
        count = int(db.execute("SELECT count(*) FROM cards").fetchone()[0])
    finally:
        db.close()
    os.replace(tmp, path)
    return count


class CardIndex:
    """A read-only index; a lookup is one indexed query. Safe to share between threads (one
    connection each) and to open in forked or remote workers by path."""

    def __init__(self, path: str, kind: str) -> None:
        self.path = path
        self.kind = kind  # "batch" or "index": the source lineage records
        self.cache_key = f"{kind}:{path}"
        import threading

        self._local = threading.local()
        self._read: dict[str, CardEntry | None] = {}  # batch cards parsed here, by id

    def __repr__(self) -> str:
        return f"CardIndex({self.kind}, {self.path})"

    def _db(self) -> "sqlite3.Connection | None":
        import sqlite3  # only when a base is looked up: a scan without one never pays for it

        db = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
                db.execute("SELECT 1 FROM cards LIMIT 1")
            except sqlite3.Error:
                return None
            self._local.db = db
        return db  # type: ignore[no-any-return]

    def get(self, model_id: str) -> CardEntry | None:
        import sqlite3

        db = self._db()
        if db is None:
            return None
        try:
            row = db.execute("SELECT repo_id, license, license_name, license_link, base_models, "
                             "path FROM cards WHERE id = ?", (model_id.lower(),)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        if row[1] is None:  # a batch's card, listed but not read yet
            return self._from_card(row[0], row[5])
        return CardEntry(row[0], tuple(json.loads(row[1])), row[2], row[3],
                         tuple(json.loads(row[4])), row[5])

    def _from_card(self, repo_id: str, path: str) -> CardEntry | None:
        key = repo_id.lower()
        if key not in self._read:
            text = read_card(path)
            if len(self._read) >= MAX_READ:
                self._read.clear()
            self._read[key] = entry_from_card(repo_id, text, path) if text is not None else None
        return self._read[key]

    def license_of(self, model_id: str) -> Any:
        """A ``ResolvedBase`` for a base this index holds a card of, else None."""
        entry = self.get(model_id)
        if entry is None:
            return None
        from modellint.facts.basecard import ResolvedBase

        return ResolvedBase(entry.repo_id, entry.license, entry.license_name, entry.license_link,
                            entry.base_models, self.kind)

    def __len__(self) -> int:
        db = self._db()
        return int(db.execute("SELECT count(*) FROM cards").fetchone()[0]) if db else 0


class DatasetView:
    """A card index read for datasets (data lineage): the entry of ``datasets/org/name``."""

    def __init__(self, path: str, kind: str) -> None:
        key = (path, kind)
        if key not in _VIEWS:
            _VIEWS[key] = CardIndex(path, kind)
        self.index = _VIEWS[key]
        self.kind = kind
        self.cache_key = f"dataset-{kind}:{path}"

    def __repr__(self) -> str:
        return f"DatasetView({self.kind}, {self.index.path})"

    def license_of(self, dataset_id: str) -> Any:
        found = self.index.license_of(DATASET_PREFIX + dataset_id)
        return found._replace(model_id=dataset_id) if found is not None else None


_VIEWS: dict[tuple[str, str], CardIndex] = {}


# ---------------------------------------------------------------------------------------------
# Reading cards where they are


def read_card(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_CARD_BYTES).decode("utf-8", "replace")
    except OSError:
        return None


def _readable(path: str) -> bool:
    """The card opens and gives its first byte (read whole later, if a base names it: reading
    every card whole here cost the pre-pass a third of its time). Non-blocking: a FIFO swapped
    in for the card does not stall the audit."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        os.read(fd, 1)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def target_card(target: str) -> tuple[str, str] | None:
    """(Hub id, card path) of a local target with a card and a known Hub id: a clone whose
    ``origin`` is on the Hub, or a Hub cache folder (its newest snapshot). Hub targets (``hf://``)
    are left to the Hub itself. A dataset's id is ``datasets/org/name``."""
    from modellint.pathcache import real_path
    from modellint.sources import is_remote

    if is_remote(target) or not os.path.isdir(target):
        return None
    real = real_path(target)
    base = os.path.basename(real)
    cached = _cache_id(base)
    if cached is not None:
        card = _cache_card(real)
        return (cached, card) if card else None
    card = os.path.join(real, "README.md")
    if not os.path.isfile(card):
        return None
    from modellint.sources.local import hub_origin

    clone, repo_type = hub_origin(real)
    if clone is None:
        return None
    return (DATASET_PREFIX + clone if repo_type == "dataset" else clone), card


def _cache_id(folder_name: str) -> str | None:
    """The id a Hub cache folder holds: ``models--org--name`` -> org/name,
    ``datasets--org--name`` -> datasets/org/name."""
    for prefix, key in (("models--", ""), ("datasets--", DATASET_PREFIX)):
        if folder_name.startswith(prefix):
            return key + folder_name[len(prefix):].replace("--", "/", 1)
    return None


def _cache_card(folder: str) -> str | None:
    """README.md of the newest snapshot of a Hub cache folder (``models--org--name``)."""
    snapshots = os.path.join(folder, "snapshots")
    try:
        names = os.listdir(snapshots)
    except OSError:
        return None
    found = [os.path.join(snapshots, n, "README.md") for n in names]
    found = [p for p in found if os.path.isfile(p)]
    return max(found, key=os.path.getmtime) if found else None


def cards_in(folder: str) -> Iterator[tuple[str, str]]:
    """(Hub id, card path) for every card under ``folder``: ``org_name.md`` files (the layout of
    card collections), ``org/name/README.md`` folders (clones; their ``origin`` wins when it is
    on the Hub), and Hub cache folders (``models--org--name``)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = os.path.relpath(dirpath, folder)
        cached = _cache_id(os.path.basename(dirpath))
        if cached is not None:
            card = _cache_card(dirpath)
            if card:
                yield cached, card
            dirnames[:] = []
            continue
        if "README.md" in filenames and rel != ".":
            found = target_card(dirpath)
            if found is None and rel.count(os.sep) == 1:
                found = (rel.replace(os.sep, "/"), os.path.join(dirpath, "README.md"))
            if found is not None:
                yield found
            continue
        for name in sorted(filenames):
            stem, ext = os.path.splitext(name)
            if ext.lower() == ".md" and "_" in stem and stem.lower() != "readme":
                org, _, model = stem.partition("_")
                if org and model:
                    yield f"{org}/{model}", os.path.join(dirpath, name)


def hub_cache_dir() -> str:
    """The Hugging Face cache folder, as huggingface_hub finds it (without importing it)."""
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "huggingface")
    return os.path.join(home, "hub")


def entries(found: Iterable[tuple[str, str]]) -> Iterator[CardEntry]:
    """Index entries of (Hub id, card path) pairs; an id under ``datasets/`` is a dataset's
    whatever its card looks like, and a card of dataset keys is a dataset's."""
    for repo_id, path in found:
        text = read_card(path)
        if text is not None:
            kind = "dataset" if repo_id.startswith(DATASET_PREFIX) else None
            yield entry_from_card(repo_id, text, path, kind)


# ---------------------------------------------------------------------------------------------
# The audit's batch


BATCH_CHUNK = 256  # targets whose cards a worker finds at a time (~35 us each)
BATCH_WINDOW = 16  # chunks in flight per worker (4,096 target names): none waits on the inserts


def cards_of(targets: list[str]) -> list[tuple[str, str]]:
    """(Hub id, card path) of each target that has a card with a Hub id, and can be read (as an
    index of parsed cards would keep them)."""
    return [hit for hit in map(target_card, targets) if hit is not None and _readable(hit[1])]


def build_batch(targets: Iterable[str], folder: str | None = None, workers: int = 1) -> str | None:
    """Index the cards of an audit's local targets; returns the index path, or None when no
    target has a card with a Hub id (then there is nothing a base could resolve from).
    ``workers`` > 1: the cards are found by as many forked processes (stat-ing the folders and
    reading each clone's ``origin`` is most of the work), in the targets' order, and this process
    only writes the index."""
    from modellint.forkpool import map_in_order
    from modellint.pathcache import remembering_folders

    if folder is None:
        from modellint.cachedir import cache_dir

        folder = cache_dir()
    if folder is None:
        return None  # caching turned off: modellint writes nowhere else, so no batch index
    path = os.path.join(folder, "batches", f"batch-{os.getpid()}-{id(targets):x}.sqlite")
    # A later copy of the same id that cannot be read leaves the earlier one in place.
    with remembering_folders():
        found = map_in_order(cards_of, targets, workers, BATCH_CHUNK, window=BATCH_WINDOW)
        count = _write(path, ((repo_id.lower(), repo_id, None, None, None, None, card)
                              for repo_id, card in found))
    if count == 0:
        os.unlink(path)
        return None
    return path


def drop_batch(path: str | None) -> None:
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass
