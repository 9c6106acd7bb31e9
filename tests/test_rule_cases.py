"""Data-driven rule cases: tests/cases/<CODE>.toml, exact expected findings per case."""

from __future__ import annotations

from pathlib import Path

import pytest

from modellint.testing import expected_tuples, finding_tuple
from modellint.tomlcompat import tomllib

CASES_DIR = Path(__file__).parent / "cases"


def _load():
    for path in sorted(CASES_DIR.glob("ML*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in data.get("case", []):
            yield pytest.param(path.stem, case, id=f"{path.stem}:{case['id']}")


@pytest.mark.parametrize("code,case", list(_load()))
def test_rule_case(code, case, make_repo, run_lint, registry):
    repo = make_repo(case.get("files", {}))
    config = case.get("config")
    kwargs = {}
    if config is not None:
        cfg = repo.parent / "case-config.toml"
        cfg.write_text(config, encoding="utf-8")
        kwargs["config_file"] = str(cfg)
    report = run_lint(repo, **kwargs)
    assert not report.errors, report.errors
    codes = case.get("codes", [code])
    got = sorted(finding_tuple(f) for f in report.active() if f.code in codes)
    defaults = {c: r.severity.value for c, r in registry.rules.items()}
    assert got == expected_tuples(case.get("expect", []), defaults), \
        [f.message for f in report.active() if f.code in codes]
    # An expectation may also pin part of the message (`message = "..."`, a substring).
    for e in case.get("expect", []):
        if "message" in e:
            messages = [f.message for f in report.active()
                        if (f.code, f.path, f.line) == (e["code"], e.get("path"), e.get("line"))]
            assert any(e["message"] in m for m in messages), (e["message"], messages)
