"""Lint real material from ../shared (skipped in a user's clone): every real Hub card and every
real repository, with no crash, no rule error and no tool error."""

from __future__ import annotations

from modellint.config import Settings
from modellint.engine import run_rules, selected_rules
from modellint.facts import extract
from modellint.model import TargetInfo
from modellint.runner import RunOptions, lint
from modellint.snapshot import MemorySnapshot
from tests.conftest import shared_path


def test_every_real_hub_card_lints_cleanly(registry):
    cards = sorted(shared_path("hf-cards", "cards").glob("*.md"))
    assert len(cards) > 3000
    rules = selected_rules(registry, Settings())
    seen = set()
    for path in cards:
        snap = MemorySnapshot(TargetInfo(path.stem, "local", str(path), name=path.stem),
                              {"README.md": path.read_bytes()})
        run = run_rules(extract(snap), rules, Settings())
        assert run.errors == [], (path.name, run.errors)
        seen.update(f.code for f in run.findings)
    # the corpus is varied enough that the card rules all have something to say
    assert {"ML102", "ML104", "ML105", "ML106", "ML305"} <= seen


def test_every_real_repository_lints_without_errors(registry):
    repos = sorted(p for p in shared_path("realworld").iterdir() if p.is_dir())
    assert repos, "the realworld folder holds no repository: nothing would be linted"
    report = lint([str(p) for p in repos], RunOptions(), registry)
    assert report.errors == []
    # Code repositories holding model folders (models/*, lora adapters) are linted per model.
    linted = {t.target for t in report.targets}
    assert all(any(t == str(p) or t.startswith(f"{p}/") for t in linted) for p in repos)
    assert len(linted) > len(repos)
