"""Edits to a model repository's working tree, shown as a diff or written: for `init` and `fix`.

A ``ChangeSet`` collects the new contents of a few files (the card, LICENSE, NOTICE), each with
the reasons for the change, then shows them as a unified diff or writes them. It only ever
writes regular files inside the target folder: a path that leaves the folder or goes through a
symbolic link is refused, so a hostile repository cannot make an edit land elsewhere.
"""


import os
from typing import NamedTuple

# The first line of a license file that `init` or `fix` wrote because no legitimate source of the
# text was reachable; ML205 reports such a file until the real text replaces it.
PLACEHOLDER_MARK = "modellint: license text placeholder"
# Files bigger than this are not edited: a card or a license is text, never megabytes.
MAX_EDIT_BYTES = 1024 * 1024


class EditError(Exception):
    """An edit that cannot be made safely; the message says why, in one line."""


def check_working_tree(target: str) -> None:
    """init and fix edit a working tree: refuse anything else with one line (EditError)."""
    from modellint.sources import is_hf_cache_folder, is_remote

    if is_remote(target):
        raise EditError(f"{target}: a Hub repository cannot be edited in place; clone it "
                        "(git clone) and run this in the clone")
    if is_hf_cache_folder(target):
        raise EditError(f"{target}: a Hub cache folder is not a working tree; not edited")
    if not os.path.isdir(target):
        raise EditError(f"{target}: no such folder")


class FileEdit(NamedTuple):
    """The new contents of one file and why it changed."""

    path: str  # relative to the target folder, '/'-separated
    before: str | None  # None: the file is new
    after: str
    reasons: tuple[str, ...]


class ChangeSet:
    """Pending edits under one folder. ``read`` sees earlier pending edits, so several fixes can
    edit the same file one after another."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self._real_root = os.path.realpath(self.root)
        self._original: dict[str, str | None] = {}
        self._current: dict[str, str] = {}
        self._reasons: dict[str, list[str]] = {}

    def full_path(self, path: str) -> str:
        """The file's absolute path, refused when it leaves the folder or passes a link."""
        parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
        if not parts or ".." in parts:
            raise EditError(f"{path}: not a path inside the repository")
        full = os.path.join(self.root, *parts)
        walk = self.root
        for part in parts:
            walk = os.path.join(walk, part)
            if os.path.islink(walk):
                raise EditError(f"{path}: is or passes through a symbolic link; not edited")
        if not os.path.realpath(full).startswith(self._real_root + os.sep):
            raise EditError(f"{path}: outside the repository; not edited")
        return full

    def read(self, path: str) -> str | None:
        """The file's text as the pending edits leave it; None when it does not exist."""
        if path in self._current:
            return self._current[path]
        if path not in self._original:
            self._original[path] = self._read_disk(path)
        return self._original[path]

    def _read_disk(self, path: str) -> str | None:
        full = self.full_path(path)
        if not os.path.exists(full):
            return None
        if not os.path.isfile(full):
            raise EditError(f"{path}: not a regular file; not edited")
        if os.path.getsize(full) > MAX_EDIT_BYTES:
            raise EditError(f"{path}: larger than {MAX_EDIT_BYTES // 1024} KiB; not edited")
        try:
            with open(full, "rb") as fh:
                data = fh.read(MAX_EDIT_BYTES + 1)
        except OSError as exc:
            raise EditError(f"{path}: {exc.strerror or exc}") from None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise EditError(f"{path}: not UTF-8 text; not edited") from None

    def write(self, path: str, text: str, reason: str) -> None:
        before = self.read(path)
        if text == before:
            return
        self._current[path] = text
        self._reasons.setdefault(path, []).append(reason)

    def edits(self) -> list[FileEdit]:
        out = []
        for path, after in self._current.items():
            before = self._original.get(path)
            if after != before:
                out.append(FileEdit(path, before, after, tuple(self._reasons.get(path, ()))))
        return sorted(out, key=lambda e: e.path)

    def __bool__(self) -> bool:
        return bool(self.edits())

    def diff(self) -> str:
        """A unified diff of every pending edit (``git apply`` reads it)."""
        import difflib  # not on a scan's path: ML205 imports this module for PLACEHOLDER_MARK

        chunks = []
        for edit in self.edits():
            old = (edit.before or "").splitlines(keepends=True)
            new = edit.after.splitlines(keepends=True)
            source = "/dev/null" if edit.before is None else f"a/{edit.path}"
            lines = list(difflib.unified_diff(old, new, source, f"b/{edit.path}"))
            chunks.append("".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                                  for line in lines))
        return "".join(chunks)

    def apply(self) -> list[str]:
        """Write every pending edit (each file replaced atomically); the paths written."""
        written = []
        for edit in self.edits():
            full = self.full_path(edit.path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            tmp = f"{full}.modellint-tmp"
            try:
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    fh.write(edit.after)
                if os.path.exists(full):
                    os.chmod(tmp, os.stat(full).st_mode & 0o7777)
                os.replace(tmp, full)
            except OSError as exc:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise EditError(f"{edit.path}: cannot write: {exc.strerror or exc}") from None
            written.append(edit.path)
        return written


__all__ = ["MAX_EDIT_BYTES", "PLACEHOLDER_MARK", "ChangeSet", "EditError", "FileEdit", "check_working_tree"]
