"""ML505 weights-changed-undocumented on real git ranges and staged changes."""

from __future__ import annotations

from modellint.sources import SourceOptions

CARD = "---\nlicense: mit\n---\n# Tiny\n"
BASE = {"README.md": CARD, "LICENSE": "MIT License\n", "model.safetensors": "v1"}


def _ml505(run_lint, repo, **source):
    report = run_lint(repo.root, source=SourceOptions(**source), select=("ML505",))
    assert not report.errors, report.errors
    return [(f.code, f.path, f.line, f.severity.value, f.message) for f in report.findings]


def test_weight_change_without_documentation(git_repo, run_lint):
    base = git_repo.commit(BASE)
    git_repo.commit({"model.safetensors": "v2", "tokenizer.json": "{}"})
    assert _ml505(run_lint, git_repo, since=base) == [(
        "ML505", "model.safetensors", None, "warning",
        "1 weight file changed (model.safetensors) but neither the model card, a CHANGELOG nor "
        "a NOTICE changed: say what changed in the weights")]


def test_weight_change_with_card_changelog_or_notice(git_repo, run_lint):
    base = git_repo.commit(BASE)
    git_repo.commit({"model.safetensors": "v2", "README.md": CARD + "\n## Changes\nv2\n"})
    assert _ml505(run_lint, git_repo, since=base) == []
    base = git_repo.commit({"model.safetensors": "v3", "CHANGELOG.md": "v3\n"})
    git_repo.commit({"model.safetensors": "v4", "NOTICE": "n\n"})
    assert _ml505(run_lint, git_repo, since=base) == []


def test_documentation_changed_in_an_earlier_commit_of_the_range_counts(git_repo, run_lint):
    base = git_repo.commit(BASE)
    git_repo.commit({"CHANGELOG.md": "v2 coming\n"})
    git_repo.commit({"model.safetensors": "v2"})
    assert _ml505(run_lint, git_repo, since=base) == []


def test_many_shards_deleted_and_added(git_repo, run_lint):
    shards = {f"model-0000{i}-of-00005.safetensors": "w" for i in range(1, 6)}
    base = git_repo.commit({**BASE, **shards})
    git_repo.git("rm", "-q", *shards)
    git_repo.commit({"model.safetensors.index.json": "{}"})
    [(code, path, _, _, message)] = _ml505(run_lint, git_repo, since=base)
    # Deleted shards cannot be annotated; the new index still exists.
    assert (code, path) == ("ML505", "model.safetensors.index.json")
    assert message.startswith("6 weight files changed (model-00001-of-00005.safetensors, "
                              "model-00002-of-00005.safetensors, model-00003-of-00005.safetensors "
                              "and 3 more)")


def test_staged_weights_without_documentation(git_repo, run_lint):
    git_repo.commit(BASE)
    git_repo.stage({"adapter_model.bin": "lora"})
    found = _ml505(run_lint, git_repo, staged=True)
    assert [f[:2] for f in found] == [("ML505", "adapter_model.bin")]
    git_repo.stage({"README.md": CARD + "Adds a LoRA adapter.\n"})
    assert _ml505(run_lint, git_repo, staged=True) == []


def test_no_range_no_finding(git_repo, run_lint):
    git_repo.commit(BASE)
    git_repo.commit({"model.safetensors": "v2"})
    assert _ml505(run_lint, git_repo, rev="HEAD") == []
    assert run_lint(git_repo.root, select=("ML505",)).findings == []  # working tree


def test_extra_documentation_globs(git_repo, run_lint, tmp_path):
    base = git_repo.commit(BASE)
    git_repo.commit({"model.safetensors": "v2", "docs/release.md": "v2"})
    assert len(_ml505(run_lint, git_repo, since=base)) == 1
    cfg = tmp_path / "cfg.toml"
    cfg.write_text('[rules.ML505]\ndocumentation = ["docs/*"]\n')
    report = run_lint(git_repo.root, source=SourceOptions(since=base), config_file=str(cfg),
                      select=("ML505",))
    assert report.findings == [] and not report.errors
