"""Build ``modellint/identify/fingerprints.json`` from the reference license texts.

Run from the repository root: ``python tests/benchmarks/build_fingerprints.py``. It reads the
workspace's ``shared/license-texts`` and the model licenses listed in ``corpus.REALWORLD_SOURCES``
and writes only ids, names and sampled shingle hashes (no text) into the package.
"""

from __future__ import annotations

import base64
import json
import sys
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from modellint.identify.fingerprint import Entry  # noqa: E402

OUT = corpus.ROOT / "modellint" / "identify" / "fingerprints.json"


def record(entry: Entry) -> dict:
    packed = array("I", entry.order)
    if sys.byteorder == "big":
        packed.byteswap()
    return {"id": entry.id, "scancode": entry.scancode, "spdx": entry.spdx,
            "names": list(entry.names), "modulus": entry.modulus,
            "hashes": base64.b64encode(packed.tobytes()).decode("ascii")}


def main() -> int:
    if not corpus.TEXTS.exists():
        print(f"{corpus.TEXTS} not found", file=sys.stderr)
        return 2
    records = []
    for _name, header, text in corpus.reference_texts():
        key = header["key"]
        spdx = header.get("spdx_license_key")
        if spdx and spdx.startswith("LicenseRef-"):
            spdx = None
        lid = corpus.hub_id(key)
        names = [n for n in (header.get("name"), header.get("short_name")) if n]
        names += corpus.EXTRA_NAMES.get(lid, [])
        records.append(record(Entry.from_text(lid, text, key, spdx, tuple(names))))
    for lid, (rel, names) in corpus.REALWORLD_SOURCES.items():
        text = (corpus.REALWORLD / rel).read_text(encoding="utf-8")
        records.append(record(Entry.from_text(lid, text, names=tuple(names))))
    OUT.write_text(json.dumps({"version": 1, "licenses": records}, indent=0) + "\n",
                   encoding="utf-8")
    print(f"wrote {len(records)} fingerprints to {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
