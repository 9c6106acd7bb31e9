"""The rule catalogue holds together: specs, checks, docs, cases, and the README table."""

from __future__ import annotations

import inspect
import re
import shutil

import pytest

from modellint import docs
from modellint.registry import BUILTIN_CHECKS, DOC_KEYS, check_params, load_spec_dir
from modellint.tomlcompat import tomllib
from tests.examples import ROOT

CASES = ROOT / "tests" / "cases"


def _rules(registry):
    return list(registry.rules.values())


def test_an_edited_spec_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setenv("MODELLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("modellint.records.SETTLE_NS", 0)
    d = tmp_path / "specs"
    shutil.copytree(ROOT / "rules" / "specs", d)
    load_spec_dir(d, module_prefix=BUILTIN_CHECKS, origin="t")  # cached
    spec = d / "ML101.toml"
    spec.write_text(re.sub(r'(?m)^summary = ".*"$', 'summary = "edited"', spec.read_text()))
    rules = {r.code: r for r in load_spec_dir(d, module_prefix=BUILTIN_CHECKS, origin="t")}
    assert rules["ML101"].summary == "edited"
    assert rules["ML102"].summary != "edited"


def test_specs_load_without_errors(registry):
    assert registry.errors == []
    assert len(registry.rules) >= 7


@pytest.mark.parametrize("field", DOC_KEYS)
def test_every_spec_has_docs(registry, field):
    missing = [r.code for r in _rules(registry) if not str(r.docs.get(field, "")).strip()]
    assert missing == []


def test_every_check_resolves_and_params_bind(registry):
    for rule in _rules(registry):
        func = rule.resolve()
        assert inspect.isfunction(func), rule.code
        check_params(rule, rule.params)
        first = next(iter(inspect.signature(func).parameters))
        assert first == "facts", rule.code


def test_every_rule_has_passing_and_failing_cases(registry):
    for rule in _rules(registry):
        path = CASES / f"{rule.code}.toml"
        assert path.is_file(), f"{rule.code} has no case file"
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        cases = data.get("case", [])
        fires = [c for c in cases if any(e["code"] == rule.code for e in c.get("expect", []))]
        quiet = [c for c in cases if not any(e["code"] == rule.code for e in c.get("expect", []))]
        # Rules that need git history or test-only license fingerprints keep their cases (either
        # side) in a test module that builds the repositories.
        for key, side in (("failing_cases_in", fires), ("passing_cases_in", quiet)):
            elsewhere = data.get(key)
            if elsewhere:
                assert (ROOT / elsewhere).is_file() and rule.code in (ROOT / elsewhere).read_text()
                side.append(elsewhere)
        assert fires and quiet, f"{rule.code} needs failing and passing cases"


def test_case_files_name_real_rules(registry):
    for path in CASES.glob("ML*.toml"):
        assert path.stem in registry.rules, f"{path.name} has no rule"


def test_generated_docs_are_current(registry):
    """README.md's rule table follows from the specs: `python -m modellint.docs` rewrites it."""
    rules = _rules(registry)
    assert docs.regenerate(str(ROOT), rules, write=False) == [], "run: python -m modellint.docs"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules:start -->\n", 1)[1].split("\n<!-- rules:end -->", 1)[0]
    assert [row.split(" | ")[0].strip("| ") for row in table.splitlines()[2:]] == [
        r.code for r in rules]


def test_the_docs_generator_rewrites_a_stale_table_and_nothing_else(tmp_path, registry):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = readme.replace(next(line for line in readme.splitlines() if line.startswith("| ML101 ")) + "\n", "")
    (tmp_path / "README.md").write_text(stale, encoding="utf-8")
    assert docs.main(["--check", "--root", str(tmp_path)]) == 1
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == stale
    assert docs.main(["--root", str(tmp_path)]) == 0
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme
    assert docs.main(["--check", "--root", str(tmp_path)]) == 0
    (tmp_path / "README.md").write_text(readme.replace("<!-- rules:end -->", ""), encoding="utf-8")
    assert docs.main(["--root", str(tmp_path)]) == 2
    assert docs.main(["--root", str(tmp_path / "nowhere")]) == 2
