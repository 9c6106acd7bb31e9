"""Stored regular-expression programs (modellint/regexcache.py): the command's runs rebuild the
same patterns ``re`` compiles, give the same reports, and survive a bad cache file."""

from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

from modellint import regexcache
from tests.conftest import run_cli
from tests.examples import EXAMPLES

SCAN = ("check", "--format", "json", str(EXAMPLES / "llama31-finetune-relicensed"),
        str(EXAMPLES / "clean-apache"), str(EXAMPLES / "merge-apache-and-llama3"))


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "MODELLINT_CACHE_DIR": str(cache)}


def _stored(cache: Path) -> tuple[tuple, dict]:
    (path,) = (cache / "regex").iterdir()
    return marshal.loads(path.read_bytes())  # type: ignore[no-any-return]


def _report(done: subprocess.CompletedProcess[str]) -> dict:
    assert "Traceback" not in done.stderr, done.stderr
    report = json.loads(done.stdout)
    report.pop("generated", None)
    return report  # type: ignore[no-any-return]


def test_every_stored_program_rebuilds_the_pattern_re_compiles(tmp_path):
    done = run_cli(*SCAN, env=_env(tmp_path))
    assert done.returncode == 1, done.stderr
    header, programs = _stored(tmp_path)
    assert header == regexcache._header()
    # modellint's own patterns, PyYAML's and click's are all there
    keys = {p for p, _ in programs}
    assert any("SPDX-License-Identifier" in p for p in keys)
    assert len(programs) > 100
    for (pattern, flags), program in programs.items():
        rebuilt = regexcache._build(pattern, program)
        compiled = re.compile(pattern, flags)  # this process compiles: no hook installed here
        assert rebuilt == compiled, pattern  # pattern, flags and program word for word
        assert (rebuilt.groups, rebuilt.groupindex) == (compiled.groups, compiled.groupindex)


def test_runs_from_stored_programs_report_what_compiling_reports(tmp_path):
    cold = run_cli(*SCAN, env=_env(tmp_path / "cache"))
    assert (tmp_path / "cache" / "regex").is_dir()
    warm = run_cli(*SCAN, env=_env(tmp_path / "cache"))
    off = run_cli(*SCAN, env={**os.environ, "MODELLINT_CACHE_DIR": ""})
    assert cold.returncode == warm.returncode == off.returncode == 1
    assert _report(cold) == _report(warm) == _report(off)
    assert [p.suffix for p in (tmp_path / "cache" / "regex").iterdir()] == [".marshal"]


def test_a_torn_or_tampered_file_is_ignored_and_written_anew(tmp_path):
    run_cli(*SCAN, env=_env(tmp_path))
    expected = _report(run_cli(*SCAN, env=_env(tmp_path)))
    (path,) = (tmp_path / "regex").iterdir()
    header, programs = marshal.loads(path.read_bytes())
    # a program the engine must refuse (its words scrambled), under every stored key
    bad = {key: (flags, bytes(reversed(code)), groups, index, names)
           for key, (flags, code, groups, index, names) in programs.items()}
    path.write_bytes(marshal.dumps((header, bad)))
    assert _report(run_cli(*SCAN, env=_env(tmp_path))) == expected
    path.write_bytes(b"\x00garbage")
    assert _report(run_cli(*SCAN, env=_env(tmp_path))) == expected
    assert _stored(tmp_path)[0] == header  # rewritten whole
    path.write_bytes(marshal.dumps(((0, "another python"), programs)))
    assert _report(run_cli(*SCAN, env=_env(tmp_path))) == expected
    assert _stored(tmp_path)[0] == header


CAPPED = """
import re, sys
from modellint import regexcache
regexcache.MAX_PATTERNS = 5
regexcache.install()
for i in range(int(sys.argv[1])):
    re.compile(f"x{i}+y")
re.compile("z" * (regexcache.MAX_PATTERN_CHARS + 1))
re.compile("debug", re.DEBUG)
"""


def test_the_file_is_bounded(tmp_path):
    def run(count: int) -> None:
        subprocess.run([sys.executable, "-c", CAPPED, str(count)], env=_env(tmp_path),
                       check=True, capture_output=True)

    run(3)
    assert {p for p, _ in _stored(tmp_path)[1]} == {"x0+y", "x1+y", "x2+y"}
    run(4)  # 3 stored + 1 new = 4 <= 5: kept together
    assert {p for p, _ in _stored(tmp_path)[1]} == {"x0+y", "x1+y", "x2+y", "x3+y"}
    run(40)  # only 5 new ones are stored per run; over the cap, only what this run used is kept
    assert {p for p, _ in _stored(tmp_path)[1]} == {f"x{i}+y" for i in range(5)}


BUDGET = """
import re, sys
from modellint import regexcache
regexcache.MAX_BYTES = int(sys.argv[1])
regexcache.install()
print(len(regexcache._state.programs))
re.compile("a+b")
"""


def test_a_file_over_the_byte_budget_is_neither_read_nor_written(tmp_path):
    def run(budget: int) -> str:
        return subprocess.run([sys.executable, "-c", BUDGET, str(budget)], env=_env(tmp_path),
                              check=True, capture_output=True, text=True).stdout.strip()

    assert run(1 << 20) == "0"
    (path,) = (tmp_path / "regex").iterdir()
    size, written = path.stat().st_size, path.stat().st_mtime_ns
    assert run(1 << 20) == "1"  # read back
    assert run(size - 1) == "0"  # too large to trust: not read
    # and not rewritten: what this run compiled would not fit either
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (size, written)
    assert {p for p, _ in _stored(tmp_path)[1]} == {"a+b"}
