"""Baselines: record today's findings once, then fail only on new ones.

A finding is keyed by (code, target-relative path, message), like the SARIF fingerprint but
without the line, so a baseline survives edits that move lines. Keys are counted, so a second
identical finding is new. Matched findings stay in the report, suppressed by "baseline".
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from modellint.model import Finding

FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file is missing or invalid: one line, exit 2."""


def fingerprint(code: str, path: str | None, message: str) -> str:
    key = "\x1f".join((code, path or "", message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _of(f: Finding) -> str:
    return fingerprint(f.code, f.path, f.message)


def baseline_json(findings: Iterable[Finding]) -> dict[str, object]:
    entries = sorted(
        ({"code": f.code, "path": f.path, "message": f.message, "fingerprint": _of(f)}
         for f in findings),
        key=lambda e: (e["code"], e["path"] or "", e["message"]),
    )
    return {"modellint_baseline": FORMAT_VERSION, "findings": entries}


def write_baseline(path: str, findings: Iterable[Finding]) -> int:
    """Write the findings that would fail today (active or already baselined). Returns the count."""
    kept = [f for f in findings if f.suppressed_by in (None, "baseline")]
    text = json.dumps(baseline_json(kept), indent=2, ensure_ascii=False) + "\n"
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(kept)


# A baseline of 100,000 findings is ~30 MB; a larger file is refused rather than read.
MAX_BASELINE_BYTES = 64 * 1024 * 1024


def load_baseline(path: str) -> Counter[str]:
    from modellint import jsonsafe, smallfile

    try:
        data = jsonsafe.loads(smallfile.read_text(path, MAX_BASELINE_BYTES), max_depth=8)
    except OSError as exc:
        raise BaselineError(f"baseline {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"baseline {path}: invalid JSON: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict) or data.get("modellint_baseline") != FORMAT_VERSION \
            or not isinstance(data.get("findings"), list):
        raise BaselineError(f"baseline {path}: not a modellint baseline (version "
                            f"{FORMAT_VERSION}); write one with --write-baseline")
    counts: Counter[str] = Counter()
    for entry in data["findings"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str) \
                or not isinstance(entry.get("message"), str):
            raise BaselineError(f"baseline {path}: each finding needs a code and a message")
        # Recomputed rather than trusted, so a hand-edited entry still matches what it says.
        counts[fingerprint(entry["code"], entry.get("path"), entry["message"])] += 1
    return counts


def apply_baseline(findings: Sequence[Finding], known: Counter[str], source: str) -> list[Finding]:
    remaining = Counter(known)
    out = []
    for f in findings:
        key = _of(f)
        if f.suppressed_by is None and remaining[key] > 0:
            remaining[key] -= 1
            f = f._replace(suppressed_by="baseline", suppression_reason=f"in baseline {source}")
        out.append(f)
    return out
