"""Build ``modellint/identify/fingerprints.json`` and ``sequences.bin`` from reference texts.

Run from the repository root: ``python tests/benchmarks/build_fingerprints.py [--licensedcode
DIR]``. Reference texts come from where they are maintained:

- ScanCode's license database (``licensedcode/data``), from an installed ``licensedcode-data``
  or ``scancode-toolkit`` package (``pip install scancode-toolkit-mini`` in any environment and
  pass ``--licensedcode .../site-packages/licensedcode/data``): every knowledge-base record's
  ``scancode`` key plus ``corpus.EXTRA_SCANCODE_KEYS``;
- model licenses published only in their holders' repositories: one copy each from the
  workspace's ``shared/realworld`` (``corpus.REALWORLD_SOURCES``) and public copies named by
  repository, path and commit (``corpus.PUBLIC_SOURCES``, read from ``corpus.PUBLIC_CACHE``;
  where a copy is absent the previous build's fingerprint is kept).

Only ids, names, hashes, token positions and section headings are written, never a text.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from modellint.identify import fingerprint  # noqa: E402
from modellint.identify.fingerprint import Entry  # noqa: E402

OUT = corpus.ROOT / "modellint" / "identify" / "fingerprints.json"
SEQ_OUT = corpus.ROOT / "modellint" / "identify" / "sequences.bin"


def record(entry: Entry, blob: bytearray, source: str) -> dict:
    """The entry's index record; its full sequence and layout are appended to ``blob``."""
    packed = array("I", entry.order)
    seq = array("I", entry.sequence())
    if sys.byteorder == "big":
        packed.byteswap()
        seq.byteswap()
    offset = len(blob)
    layout = fingerprint.layout_json(entry.layout)
    blob += seq.tobytes() + layout
    return {"id": entry.id, "source": source, "scancode": entry.scancode, "spdx": entry.spdx,
            "names": list(entry.names), "modulus": entry.modulus,
            "hashes": base64.b64encode(packed.tobytes()).decode("ascii"),
            "sequence": [offset, len(seq), len(layout)]}


def _previous() -> dict[str, Entry]:
    """The previous build's fingerprints by source, to keep those whose text is not at hand."""
    if not OUT.exists():
        return {}
    raw = json.loads(OUT.read_text(encoding="utf-8"))["licenses"]
    entries = fingerprint.load_index().entries
    out = {}
    for item, entry in zip(raw, entries, strict=True):
        if item.get("source"):
            entry.sequence()  # read now: the files are about to be rewritten
            out[item["source"]] = entry
    return out


def kb_names(lid: str) -> tuple[str, ...]:
    """The knowledge base's name and aliases of a license: where the text names itself."""
    from modellint.identify.names import knowledge_base

    kb = knowledge_base()
    lic = kb.resolve(lid) if kb is not None else None
    return (lic.name, *lic.aliases) if lic is not None else ()


def from_text(lid: str, text: str, names: list[str], scancode: str | None = None,
              spdx: str | None = None) -> Entry:
    e = Entry.from_text(lid, text, scancode, spdx, tuple(names))
    # The self-name positions also use the knowledge base's spellings of the name.
    from modellint.identify.layout import layout_of
    from modellint.identify.tokens import Tokens

    e.layout = layout_of(text, Tokens(text), (*names, *kb_names(lid)))
    return e


def reads_as(entry: Entry, text: str) -> bool:
    """Whether ``text`` is ``entry``'s license word for word (its optional parts aside)."""
    from modellint.identify.compare import FileView, compare
    from modellint.identify.fingerprint import Index
    from modellint.identify.tokens import Tokens, shingle_hashes

    tokens = Tokens(text)
    hashes = shingle_hashes(tokens.words)
    found = Index([entry]).match(tokens, hashes)
    if len(found) != 1:
        return False
    view = FileView(text, tokens, hashes)
    return compare(entry, view, found[0].first, found[0].last, 0, len(tokens) - 1).exact


def scancode_keys() -> list[str]:
    from modellint.identify.names import knowledge_base

    kb = knowledge_base()
    keys = {lic.scancode for lic in kb.all() if lic.scancode and lic.kind not in ("family", "meta")}
    keys |= {name.rsplit(".", 1)[0] for name, _, _ in corpus.reference_texts()
             if corpus.TEXTS.exists()}
    keys |= set(corpus.EXTRA_SCANCODE_KEYS)
    return sorted(keys)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--licensedcode", help="ScanCode's licensedcode/data folder")
    args = parser.parse_args()
    data = corpus.licensedcode_dir(args.licensedcode)
    if data is None:
        print("ScanCode's license database not found: pip install licensedcode-data (or "
              "scancode-toolkit-mini) and/or pass --licensedcode DIR", file=sys.stderr)
        return 2
    from modellint.identify.names import knowledge_base

    kb = knowledge_base()
    previous = _previous()
    entries: list[tuple[Entry, str]] = []
    missing: list[str] = []
    skipped: list[str] = []
    keys = scancode_keys()
    texts = corpus.scancode_texts(data, keys)
    missing += sorted(set(keys) - {k for k, _, _ in texts})
    for key, header, text in texts:
        spdx = header.get("spdx_license_key")
        if spdx and spdx.startswith("LicenseRef-"):
            spdx = None
        lic = kb.resolve(key)
        lid = lic.id if lic is not None else corpus.hub_id(key)
        names = [n for n in (header.get("name"), header.get("short_name")) if n]
        names += corpus.EXTRA_NAMES.get(lid, [])
        entries.append((from_text(lid, text, names, key, spdx), f"scancode:{key}"))
    sources = [(lid, f"realworld:{rel}", corpus.REALWORLD / rel, names)
               for lid, (rel, names) in corpus.REALWORLD_SOURCES.items()]
    sources += [(lid, f"public:{repo}/{rel}@{commit}", corpus.public_copy(repo, rel), names)
                for lid, (repo, rel, commit, names) in corpus.PUBLIC_SOURCES.items()]
    for lid, source, path, names in sources:
        if path.exists():
            text = path.read_text(encoding="utf-8")
            same = [e for e, _ in entries if e.id == lid and reads_as(e, text)]
            if same:  # the maintained record already holds this text: one fingerprint is enough
                skipped.append(f"{source} (the same text as {lid}'s fingerprint)")
                continue
            entries.append((from_text(lid, text, names), source))
        elif source in previous:
            entries.append((previous[source], source))
            missing.append(f"{source} (kept the previous fingerprint)")
        else:
            missing.append(f"{source} (no fingerprint)")
    for e, _ in entries:  # read the kept ones before the files are rewritten
        e.sequence()
    blob = bytearray()
    records = [record(e, blob, source) for e, source in entries]
    OUT.write_text(json.dumps({"version": 2, "licenses": records}, indent=0) + "\n",
                   encoding="utf-8")
    SEQ_OUT.write_bytes(bytes(blob))
    print(f"wrote {len(records)} fingerprints to {OUT} ({OUT.stat().st_size} bytes) and "
          f"their sequences to {SEQ_OUT.name} ({SEQ_OUT.stat().st_size} bytes)")
    for item in missing:
        print(f"  not found: {item}", file=sys.stderr)
    for item in skipped:
        print(f"  not kept: {item}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
