"""Rule records are parsed from TOML once and cached in modellint's own cache directory."""

from __future__ import annotations

import json
import marshal
import os
import time

import pytest

from modellint import records
from modellint.cachedir import cache_dir
from modellint.records import RecordError, copy_path, read_records

SPEC = 'code = "ML101"\nsummary = "{}"\n'


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache directory of the test's own; records count as settled at once."""
    monkeypatch.setenv("MODELLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(records, "SETTLE_NS", 0)
    return tmp_path / "cache"


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "specs"
    d.mkdir()
    (d / "b.toml").write_text(SPEC.format("second"))
    (d / "a.toml").write_text(SPEC.format("first"))
    (d / "notes.md").write_text("not a record")
    return d


def parsed_from_toml(monkeypatch):
    """A list that records each folder parsed from TOML (rather than read from its copy)."""
    seen: list[str] = []
    real = records.parse_records

    def counting(directory):
        seen.append(os.path.basename(os.fspath(directory)))
        return real(directory)

    monkeypatch.setattr(records, "parse_records", counting)
    return seen


def test_first_read_parses_and_caches_then_the_copy_is_used(cache, folder, monkeypatch):
    parsed = parsed_from_toml(monkeypatch)
    first = read_records(folder)
    assert list(first) == ["a.toml", "b.toml"]
    assert first["a.toml"] == {"code": "ML101", "summary": "first"}
    assert parsed == ["specs"]
    copy = copy_path(str(folder))
    assert copy is not None and copy.startswith(str(cache / "records") + os.sep)
    assert copy.endswith(".marshal")
    assert marshal.loads(open(copy, "rb").read())["folder"] == str(folder)
    assert read_records(folder) == first
    assert parsed == ["specs"]  # the second read came from the copy
    assert sorted(p.name for p in folder.iterdir()) == ["a.toml", "b.toml", "notes.md"]


@pytest.mark.parametrize("change", ["edit", "same-size-same-mtime", "add", "remove", "replace"])
def test_any_change_to_the_records_makes_the_copy_stale(cache, folder, monkeypatch, change):
    read_records(folder)
    time.sleep(0.05)  # past the filesystem's clock tick: the change gets a time of its own
    a = folder / "a.toml"
    if change == "edit":
        a.write_text(SPEC.format("edited, and longer"))
        expected = "edited, and longer"
    elif change == "same-size-same-mtime":  # as `cp -p` or an archive would leave it
        st = a.stat()
        a.write_text(SPEC.format("FIRST"))
        os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert (a.stat().st_size, a.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
        expected = "FIRST"
    elif change == "add":
        (folder / "c.toml").write_text(SPEC.format("third"))
        expected = "first"
    elif change == "remove":
        (folder / "b.toml").unlink()
        expected = "first"
    else:  # a new file renamed over the old one, as editors save
        (folder / "new").write_text(SPEC.format("swapd"))
        os.replace(folder / "new", a)
        expected = "swapd"
    parsed = parsed_from_toml(monkeypatch)
    again = read_records(folder)
    assert parsed == ["specs"]
    assert again["a.toml"]["summary"] == expected
    assert sorted(again) == sorted(p.name for p in folder.glob("*.toml"))


def test_no_copy_while_a_record_is_newer_than_the_settle_time(cache, folder, monkeypatch):
    """A file time is a clock tick, not a nanosecond: two edits within one tick could share a
    stamp, so a folder is cached only once its newest record is SETTLE_NS old."""
    monkeypatch.setattr(records, "SETTLE_NS", 60 * 10**9)
    read_records(folder)
    assert not (cache / "records").exists()
    monkeypatch.setattr(records, "SETTLE_NS", 0)
    read_records(folder)
    assert os.path.exists(copy_path(str(folder)))


@pytest.mark.parametrize("damage", ["torn", "garbage", "other-version", "other-folder", "list",
                                    "older-format"])
def test_a_damaged_or_foreign_copy_is_ignored_and_rewritten(cache, folder, monkeypatch, damage):
    read_records(folder)
    copy = copy_path(str(folder))
    data = marshal.loads(open(copy, "rb").read())
    if damage == "torn":
        blob = marshal.dumps(data)[:40]
    elif damage == "garbage":
        blob = b"\0\1binary"
    elif damage == "other-version":
        blob = marshal.dumps({**data, "version": "0.0.0", "records": {"a.toml": {"x": 1}}})
    elif damage == "other-folder":
        blob = marshal.dumps({**data, "folder": "/elsewhere", "records": {"a.toml": {"x": 1}}})
    elif damage == "older-format":  # a JSON copy as FORMAT 1 wrote them
        blob = json.dumps({**data, "format": 1, "records": {"a.toml": {"x": 1}}}).encode()
    else:
        blob = marshal.dumps([data])
    with open(copy, "wb") as fh:
        fh.write(blob)
    parsed = parsed_from_toml(monkeypatch)
    assert read_records(folder)["a.toml"]["summary"] == "first"
    assert parsed == ["specs"]
    assert marshal.loads(open(copy, "rb").read()) == data


def test_an_unwritable_cache_costs_only_the_parse(tmp_path, folder, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MODELLINT_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(records, "SETTLE_NS", 0)
    parsed = parsed_from_toml(monkeypatch)
    assert read_records(folder)["b.toml"]["summary"] == "second"
    assert read_records(folder)["b.toml"]["summary"] == "second"
    assert parsed == ["specs", "specs"]
    assert blocker.read_text() == "not a folder"


def test_an_empty_cache_setting_turns_the_cache_off(folder, monkeypatch):
    monkeypatch.setenv("MODELLINT_CACHE_DIR", "")
    assert cache_dir() is None and copy_path(str(folder)) is None
    assert read_records(folder)["a.toml"]["summary"] == "first"


def test_a_refused_folder_is_not_cached(cache, folder):
    def refuse(parsed):
        raise ValueError("no")

    with pytest.raises(ValueError):
        read_records(folder, check=refuse)
    assert not (cache / "records").exists()
    checked = []
    read_records(folder, check=checked.append)
    read_records(folder, check=checked.append)
    assert len(checked) == 1  # a fresh copy holds records that were checked when it was written


def test_a_record_that_does_not_parse_is_named(cache, folder):
    (folder / "c.toml").write_text("code = \n")
    with pytest.raises(RecordError) as exc:
        read_records(folder)
    assert exc.value.name == "c.toml"


def test_cache_dir_follows_the_platform_conventions(monkeypatch, tmp_path):
    monkeypatch.delenv("MODELLINT_CACHE_DIR")
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == str(tmp_path / "xdg" / "modellint")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert cache_dir() == str(tmp_path / ".cache" / "modellint")
    monkeypatch.setattr("sys.platform", "darwin")
    assert cache_dir() == str(tmp_path / "Library" / "Caches" / "modellint")
    monkeypatch.setenv("MODELLINT_CACHE_DIR", "rel")
    assert cache_dir() == os.path.abspath("rel")
