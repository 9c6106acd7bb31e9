"""Gated repositories without access are linted from what the Hub shows publicly (card data, file
listing, the card where it is served), with ML904 saying what could not be read."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from modellint.cli import main
from modellint.sources import SourceOptions, open_target
from modellint.testing import write_repo
from tests.test_hub_source import FILES, TOKEN, hub  # noqa: F401 - the loopback Hub fixture

WITHHELD_CARD = "card text withheld; its metadata read from the Hub's card data"
GATED = "gated repository without access"


def check_json(*args):
    result = CliRunner().invoke(main, ["check", *args, "--format", "json"])
    return result, json.loads(result.stdout) if result.stdout else None


def test_gated_without_access_reads_the_public_part_only(hub, tmp_path):  # noqa: F811
    hub.add_repo("org/gated", write_repo(tmp_path / "g", FILES), gated=True)
    snap = open_target("hf://org/gated", SourceOptions())
    assert dict(snap.withheld) == {"README.md": WITHHELD_CARD, "LICENSE": GATED,
                                   "config.json": GATED, "model.safetensors": GATED}
    assert snap.local == {}
    assert [f.path for f in snap.files] == ["LICENSE", "README.md", "config.json",
                                            "model.safetensors"]
    # the card data as the Hub sends it, in the card's own order
    assert snap.read_bytes("README.md", 1000) == b"---\nlicense: apache-2.0\ndatasets:\n- org/corpus\n---\n"
    # one refused download (the card), then no request for files that would be refused too
    files = [(m, p, status) for m, p, status in hub.requests if "/resolve/" in p]
    assert [(p.rsplit("/", 1)[1], status) for _, p, status in files] == [("README.md", 401)]
    assert hub.bytes_for("model.safetensors") == 0


def test_cli_reports_what_could_not_be_read(hub, tmp_path):  # noqa: F811
    hub.add_repo("org/gated", write_repo(tmp_path / "g", FILES), gated=True)
    result, report = check_json("hf://org/gated", "--token", TOKEN)  # token without access: 403
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output
    assert report["errors"] == []
    assert [(f["code"], f["severity"], f["path"]) for f in report["findings"]] == [
        ("ML904", "info", None)]
    assert report["findings"][0]["message"] == (
        f"{GATED}: linted from the Hub's public data (card metadata, file listing, base models); "
        f"not read: README.md ({WITHHELD_CARD}), LICENSE, config.json, 1 weight file(s)")
    (target,) = report["targets"]
    assert target["licenses"]["components"]["weights"]["licenses"] == ["apache-2.0"]


def test_gated_derivative_conflict_is_found_from_card_data(hub, tmp_path):  # noqa: F811
    hub.add_repo("meta-llama/Llama-3.1-8B", write_repo(tmp_path / "base", {
        "README.md": "---\nlicense: llama3.1\n---\n# Llama\n", "LICENSE": "terms\n"}), gated=True)
    card = "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Fine-tune\n"
    hub.add_repo("org/llama-ft", write_repo(tmp_path / "ft", {**FILES, "README.md": card}),
                 gated=True)
    store = tmp_path / "audit.sqlite"
    result, report = check_json("hf://org/llama-ft", "--store", str(store))
    assert result.exit_code == 1
    assert sorted(f["code"] for f in report["findings"]) == ["ML502", "ML904"]
    (ml502,) = [f for f in report["findings"] if f["code"] == "ML502"]
    assert "base model meta-llama/Llama-3.1-8B, licensed `llama3.1`" in ml502["message"]
    with sqlite3.connect(store) as conn:
        (notes,) = conn.execute("SELECT notes FROM targets").fetchone()
    assert json.loads(notes) == [
        f"not read ({WITHHELD_CARD}, {GATED}): README.md, LICENSE, config.json, model.safetensors"]


def test_a_card_served_publicly_is_read_whole(hub, tmp_path):  # noqa: F811
    hub.add_repo("org/gated", write_repo(tmp_path / "g", FILES), gated=True,
                 public_files=("README.md",))
    snap = open_target("hf://org/gated", SourceOptions())
    assert sorted(snap.local) == ["README.md"]
    assert dict(snap.withheld) == {"LICENSE": GATED, "config.json": GATED,
                                   "model.safetensors": GATED}
    result, report = check_json("hf://org/gated")
    assert [f["message"] for f in report["findings"]] == [
        f"{GATED}: linted from the Hub's public data (card metadata, file listing, base models); "
        "not read: LICENSE, config.json, 1 weight file(s)"]


def test_with_access_the_repository_is_read_whole(hub, tmp_path, monkeypatch):  # noqa: F811
    hub.add_repo("org/gated", write_repo(tmp_path / "g", FILES), gated=True)
    hub.granted_tokens.add(TOKEN)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    snap = open_target("hf://org/gated", SourceOptions())
    assert sorted(snap.local) == ["LICENSE", "README.md", "config.json"]
    assert dict(snap.withheld) == {}
    assert snap.hub["gated"] == "manual"
    result, report = check_json("hf://org/gated")
    assert result.exit_code == 0 and report["findings"] == []
