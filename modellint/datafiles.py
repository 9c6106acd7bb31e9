"""Data files of a dataset repository, classified by their names alone.

A dataset's files are listed and sorted by format (Parquet, JSON Lines, CSV, Arrow, archives,
media...) from the name: nothing is read from them. Their contents are the data itself, which
licensing does not need to open, and a scan of a 2 TB dataset must cost what a scan of its
listing costs. Pickled data (`.pkl`) is named, never loaded.
"""

from typing import NamedTuple

# Suffix -> (format, category). Multi-part suffixes (`.tar.gz`, `.jsonl.zst`) are matched first:
# the longest known suffix of the name wins.
DATA_FORMATS: dict[str, tuple[str, str]] = {
    ".parquet": ("parquet", "tabular"),
    ".arrow": ("arrow", "tabular"),
    ".feather": ("feather", "tabular"),
    ".orc": ("orc", "tabular"),
    ".avro": ("avro", "tabular"),
    ".csv": ("csv", "tabular"),
    ".tsv": ("tsv", "tabular"),
    ".xlsx": ("xlsx", "tabular"),
    ".jsonl": ("jsonl", "text"),
    ".ndjson": ("jsonl", "text"),
    ".json": ("json", "text"),
    ".txt": ("text", "text"),
    ".xml": ("xml", "text"),
    ".conll": ("conll", "text"),
    ".conllu": ("conll", "text"),
    ".tfrecord": ("tfrecord", "records"),
    ".tfrecords": ("tfrecord", "records"),
    ".lance": ("lance", "records"),
    ".mds": ("mds", "records"),
    ".tar": ("tar", "archive"),
    ".tar.gz": ("tar", "archive"),
    ".tgz": ("tar", "archive"),
    ".tar.bz2": ("tar", "archive"),
    ".tar.xz": ("tar", "archive"),
    ".tar.zst": ("tar", "archive"),
    ".zip": ("zip", "archive"),
    ".7z": ("7z", "archive"),
    ".rar": ("rar", "archive"),
    ".gz": ("gzip", "compressed"),
    ".bz2": ("bzip2", "compressed"),
    ".xz": ("xz", "compressed"),
    ".zst": ("zstd", "compressed"),
    ".jsonl.gz": ("jsonl", "text"),
    ".jsonl.zst": ("jsonl", "text"),
    ".json.gz": ("json", "text"),
    ".csv.gz": ("csv", "tabular"),
    ".txt.gz": ("text", "text"),
    ".h5": ("hdf5", "array"),
    ".hdf5": ("hdf5", "array"),
    ".npy": ("numpy", "array"),
    ".npz": ("numpy", "array"),
    ".zarr": ("zarr", "array"),
    ".pkl": ("pickle", "pickle"),
    ".pickle": ("pickle", "pickle"),
    ".pt": ("pytorch", "pickle"),
    ".db": ("sqlite", "database"),
    ".sqlite": ("sqlite", "database"),
    ".sqlite3": ("sqlite", "database"),
    ".duckdb": ("duckdb", "database"),
    ".wav": ("wav", "audio"),
    ".mp3": ("mp3", "audio"),
    ".flac": ("flac", "audio"),
    ".ogg": ("ogg", "audio"),
    ".opus": ("opus", "audio"),
    ".m4a": ("m4a", "audio"),
    ".jpg": ("jpeg", "image"),
    ".jpeg": ("jpeg", "image"),
    ".png": ("png", "image"),
    ".webp": ("webp", "image"),
    ".gif": ("gif", "image"),
    ".tif": ("tiff", "image"),
    ".tiff": ("tiff", "image"),
    ".bmp": ("bmp", "image"),
    ".mp4": ("mp4", "video"),
    ".webm": ("webm", "video"),
    ".avi": ("avi", "video"),
    ".mkv": ("mkv", "video"),
    ".mov": ("mov", "video"),
    ".pdf": ("pdf", "document"),
}
_LONGEST = max(suffix.count(".") for suffix in DATA_FORMATS)
# Files of a dataset repository that are not its data: its card, metadata and loading code.
_NOT_DATA = frozenset({"readme.md", "dataset_infos.json", "dataset_info.json", "dataset_dict.json",
                       "state.json", ".gitattributes", "config.json"})


class DataFile(NamedTuple):
    """A data file of a dataset: its path, format, kind of content and size (never its bytes)."""

    path: str
    format: str  # parquet, jsonl, csv, arrow, tar, zip, ...
    category: str  # tabular, text, records, archive, compressed, array, pickle, database, media
    size: int
    lfs: bool = False  # a git-lfs pointer stands in for it (its size is the pointer's)


def data_format(path: str) -> tuple[str, str] | None:
    """(format, category) of a data file by its name, or None when the name says no data."""
    name = path.rsplit("/", 1)[-1].lower()
    if name in _NOT_DATA or name.startswith("."):
        return None
    parts = name.split(".")
    for n in range(min(_LONGEST, len(parts) - 1), 0, -1):
        found = DATA_FORMATS.get("." + ".".join(parts[-n:]))
        if found is not None:
            return found
    return None
