"""Find a license's full text where it legitimately lives; never write one from memory.

In order: a file the user names (``--license-file``), a license file already in the repository,
the license file of a base model under the same license (its Hub repository, else the local Hub
cache), and ScanCode's license database when the ``licensedcode-data`` package is installed
(``pip install 'modellint[license-texts]'``). Every text is identified before it is used: a file
that is not the chosen license is refused. When none is reachable, a clearly marked placeholder
stands in, and `modellint check` reports it (ML205) until the real text replaces it.
"""

from __future__ import annotations

import datetime
import os
from typing import NamedTuple

from modellint.edit import PLACEHOLDER_MARK
from modellint.knowledge import License, load_kb

MIN_CONFIDENCE = 0.5


class LicenseText(NamedTuple):
    text: str
    source: str  # where it came from, in words
    placeholder: bool = False


def is_license(text: str, lic: License) -> bool:
    """Does ``text`` read as ``lic`` (a confident identification of the same record)?"""
    from modellint.identify import identify_text

    kb = load_kb()
    for ident in identify_text(text, license_file=True):
        record = kb.resolve(ident.id)
        if record is not None and record.id == lic.id and ident.confidence >= MIN_CONFIDENCE:
            return True
    return False


def from_user_file(path: str, lic: License) -> LicenseText:
    try:
        with open(path, "rb") as fh:
            data = fh.read(1024 * 1024 + 1)
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > 1024 * 1024:
        raise ValueError(f"{path}: larger than 1 MiB; not a license text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    if not is_license(text, lic):
        raise ValueError(f"{path} does not read as {lic.id}; give the official text of {lic.name}")
    return LicenseText(text, f"{path} (your copy)")


def from_base_repositories(lic: License, base_ids: list[str], offline: bool,
                           tried: list[str]) -> LicenseText | None:
    """The license file of a base model under ``lic``: its Hub repository, else the Hub cache."""
    for model_id in base_ids:
        for use_cache in ((True,) if offline else (False, True)):
            found = _from_hub(model_id, lic, use_cache, tried)
            if found is not None:
                return found
    return None


def _from_hub(model_id: str, lic: License, offline: bool, tried: list[str]) -> LicenseText | None:
    from modellint import classify as cls
    from modellint.facts.text import read_text_file
    from modellint.snapshot import SourceError
    from modellint.sources import SourceOptions, open_target

    where = "the local Hub cache" if offline else "the Hub"
    try:
        snapshot = open_target(f"hf://{model_id}", SourceOptions(offline=offline))
    except SourceError as exc:
        tried.append(f"{model_id} on {where}: {exc}")
        return None
    for entry in snapshot.files:
        kind = cls.classify(entry.path)
        if kind.role != cls.LICENSE or "/" in entry.path:
            continue
        tf = read_text_file(snapshot, entry, kind.role, kind.scope)
        if tf.text and is_license(tf.text, lic):
            commit = (snapshot.info.revision or "")[:12]
            return LicenseText(tf.text, f"{entry.path} of base model {model_id} ({where}, "
                                        f"commit {commit})")
    tried.append(f"{model_id} on {where}: no license file reads as {lic.id}")
    return None


def licensedcode_dir() -> str | None:
    """The licenses folder of the ``licensedcode-data`` package, when it is installed."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("licensedcode")
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = os.path.join(location, "data", "licenses")
        if os.path.isdir(folder):
            return folder
    return None


def from_licensedcode(lic: License, tried: list[str]) -> LicenseText | None:
    folder = licensedcode_dir()
    if folder is None:
        tried.append("ScanCode's license database: not installed "
                     "(pip install 'modellint[license-texts]')")
        return None
    if not lic.scancode:
        tried.append(f"ScanCode's license database: no key for {lic.id}")
        return None
    path = os.path.join(folder, f"{lic.scancode}.LICENSE")
    try:
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
    except OSError:
        tried.append(f"ScanCode's license database: no {lic.scancode}.LICENSE")
        return None
    text = _strip_header(raw)
    if not is_license(text, lic):
        tried.append(f"ScanCode's license database: {lic.scancode}.LICENSE does not read as {lic.id}")
        return None
    return LicenseText(text, f"ScanCode's license database ({lic.scancode}.LICENSE)")


def _strip_header(raw: str) -> str:
    """A ScanCode .LICENSE file starts with a YAML header between '---' lines."""
    if raw.startswith("---"):
        end = raw.find("\n---", 3)
        if end != -1:
            raw = raw[end + 4:]
    return raw.strip("\n") + "\n"


def with_copyright(text: str, lic: License, holder: str) -> str:
    """MIT-style texts open with the licensor's copyright line: add ours when the text has none."""
    first = text.lstrip().splitlines()[0].lower() if text.strip() else ""
    if lic.id in ("mit", "bsd-2-clause", "bsd-3-clause", "isc") and not first.startswith("copyright"):
        year = datetime.date.today().year
        return f"Copyright (c) {year} {holder or 'the authors'}\n\n{text}"
    return text


def placeholder(lic: License, tried: list[str]) -> LicenseText:
    import textwrap

    where = f" It is published at {lic.url}" if lic.url else ""
    intro = (f"This file stands in for the full text of {lic.name} ({lic.id}), which modellint "
             f"could not take from a legitimate source. Replace this whole file with the official "
             f"text.{where} . Until then `modellint check` reports this file (ML205).")
    lines = [PLACEHOLDER_MARK, "", textwrap.fill(intro.replace(" .", "."), 78), "",
             "Looked for the text in:"]
    lines += [textwrap.fill(item, 78, initial_indent="- ", subsequent_indent="  ") for item in tried]
    return LicenseText("\n".join(lines) + "\n", "a placeholder (no source reachable)", True)


def find_text(lic: License, base_ids: list[str], offline: bool,
              user_file: str | None = None) -> LicenseText:
    """The best legitimate text of ``lic``, else a placeholder saying where modellint looked."""
    if user_file:
        return from_user_file(user_file, lic)
    tried: list[str] = []
    found = from_base_repositories(lic, base_ids, offline, tried)
    if found is None:
        found = from_licensedcode(lic, tried)
    return found if found is not None else placeholder(lic, tried)


__all__ = ["PLACEHOLDER_MARK", "LicenseText", "find_text", "is_license", "placeholder",
           "with_copyright"]
