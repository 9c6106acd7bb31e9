"""Every regular expression that runs on a target's text stays linear on adversarial input.

The patterns are collected two ways, so that a new one cannot slip past: every literal pattern in
modellint's source (``re.compile("...")``, ``re.sub("...", ...)``...), and every pattern actually
compiled while linting the bundled examples and a feature-rich repository (this catches patterns
built at run time from rule data, f-strings and lru-cached alternations, and those of the
libraries that read target text for us: PyYAML's resolvers, licenseclassifier, license-expression).

Each pattern is run (``finditer`` to the end, and ``fullmatch``) over strings built from its own
literals and character classes: runs of one atom, runs behind each literal prefix of the pattern,
runs followed by a character that makes the match fail late. A run that is slow at 2,000
characters is run again at 16,000; linear work grows 8x, backtracking 64x or more.
"""

from __future__ import annotations

import ast
import json
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

try:  # Python >= 3.11
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re._constants import (  # type: ignore[import-not-found]
        CATEGORY,
        CATEGORY_DIGIT,
        CATEGORY_NOT_DIGIT,
        CATEGORY_NOT_SPACE,
        CATEGORY_NOT_WORD,
        CATEGORY_SPACE,
        CATEGORY_WORD,
        IN,
        LITERAL,
        NEGATE,
        RANGE,
    )
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]
    from sre_constants import (  # type: ignore[no-redef]
        CATEGORY,
        CATEGORY_DIGIT,
        CATEGORY_NOT_DIGIT,
        CATEGORY_NOT_SPACE,
        CATEGORY_NOT_WORD,
        CATEGORY_SPACE,
        CATEGORY_WORD,
        IN,
        LITERAL,
        NEGATE,
        RANGE,
    )

from tests.conftest import ROOT

PACKAGE = ROOT / "modellint"
_FUNCS = {"compile", "sub", "subn", "match", "search", "findall", "finditer", "fullmatch", "split"}
# Where a library's pattern is compiled from, as recorded; glob and tokenize patterns are built
# from the user's own configuration or from modellint's sources, never from a target.
_LIBRARIES = ("yaml/", "licenseclassifier/", "license_expression/")
_CATEGORY_SAMPLES = {
    CATEGORY_SPACE: " \t\n", CATEGORY_NOT_SPACE: "a!", CATEGORY_DIGIT: "1",
    CATEGORY_NOT_DIGIT: "a ", CATEGORY_WORD: "a_1", CATEGORY_NOT_WORD: " !",
}
# Atoms that every pattern is tried with, whatever it holds: layout, markup and the shapes
# reported against modellint (a heading of spaces, a run of `<!--`, a run of `[`, "MIT License.").
_COMMON = [" ", "\t", "\n", "a", "A", "1", "#", "[", "(", "<!--", "-->", "*", ".", "-", ":",
           "\"", "'", "\u00a0", "é", "MIT License. ", "a ", "- "]
_TAILS = ["", "\x00", "b", "\n"]
SHORT, LONG = 2_000, 16_000
SLOW = 0.005  # seconds at SHORT characters before the run is repeated at LONG
CUTOFF = 1.0  # seconds: a run this slow is super-linear whatever it does at LONG


def _literal_patterns() -> dict[tuple[str, int], str]:
    """(pattern, flags) -> where, for every literal pattern in modellint's source."""
    found: dict[tuple[str, int], str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "prefiltered":  # re.compile's arguments
                func = ast.Attribute(value=ast.Name(id="re"), attr="compile")
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id == "re" and func.attr in _FUNCS):
                continue
            first = node.args[0]
            if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
                continue  # built at run time: the recording run sees it
            flags = 0
            flag_node = next((k.value for k in node.keywords if k.arg == "flags"), None)
            position = {"compile": 1, "match": 2, "search": 2, "fullmatch": 2, "findall": 2,
                        "finditer": 2, "split": 3, "sub": 4, "subn": 4}[func.attr]
            if flag_node is None and len(node.args) > position:
                flag_node = node.args[position]
            if flag_node is not None:
                flags = int(eval(compile(ast.Expression(flag_node), "<flags>", "eval"),  # noqa: S307
                                 {"re": re}))
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            found.setdefault((first.value, flags), where)
    return found


_RECORD = textwrap.dedent("""
    import json, pathlib, re, sys
    seen = {}
    compile_ = re._compile
    def hook(pattern, flags):
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.endswith(("/re/__init__.py", "/re.py")):
            frame = frame.f_back
        where = frame.f_code.co_filename if frame is not None else "?"
        if isinstance(pattern, str):
            seen.setdefault(json.dumps([pattern, int(flags)]), where)
        return compile_(pattern, flags)
    re._compile = hook
    from modellint.runner import RunOptions, lint
    from modellint.testing import write_repo
    write_repo(pathlib.Path(sys.argv[2]), json.loads(sys.argv[3]))
    lint([*sys.argv[1].splitlines(), sys.argv[2]], RunOptions())
    print(json.dumps(seen))
""")

# A repository that takes every text path: card with sections, comments and a base model,
# license, notice, policy and changelog files, configs and a weight index.
_RICH = {
    "README.md": ("---\nlicense: other\nlicense_name: x\nbase_model: meta-llama/Llama-3.1-8B\n"
                  "tags: [gguf]\n---\n# Title [link](x) <b>x</b>\n\nSetext\n===\n\n"
                  "<!-- modellint: ignore[ML101] reason=\"r\" -->\n## Training data\n\n"
                  "## Outputs\nWe own no outputs. See NOTICE. merge_method: x\n"),
    "LICENSE": "SPDX-License-Identifier: MIT\nPermission is hereby granted, free of charge\n",
    "NOTICE": "Llama 3.1 is licensed under the Llama 3.1 Community License\n",
    "USE_POLICY.md": "Acceptable use policy\n",
    "CHANGELOG.md": "changes\n",
    "config.json": "{\"model_type\": \"llama\"}",
    "model.safetensors.index.json": "{\"weight_map\": {\"w\": \"model.safetensors\"}}",
}


def _recorded_patterns(tmp: Path) -> dict[tuple[str, int], str]:
    examples = "\n".join(str(p) for p in sorted((ROOT / "examples").iterdir()) if p.is_dir())
    done = subprocess.run([sys.executable, "-c", _RECORD, examples, str(tmp / "rich"),
                           json.dumps(_RICH)], capture_output=True, text=True, check=True,
                          cwd=ROOT, timeout=120)
    found = {}
    for key, where in json.loads(done.stdout.splitlines()[-1]).items():
        pattern, flags = json.loads(key)
        where = where.replace("\\", "/")
        if f"{PACKAGE.as_posix()}/" in where:
            found[(pattern, flags)] = where.split(f"{ROOT.as_posix()}/", 1)[-1]
        elif "site-packages/" in where and where.split("site-packages/", 1)[1].startswith(_LIBRARIES):
            found[(pattern, flags)] = where.split("site-packages/", 1)[1]
    return found


def _atoms(pattern: str, flags: int) -> tuple[list[str], list[str], list[str]]:
    """The pattern's characters (and a sample of each class), its literal runs, and its
    single literal characters, in order of appearance."""
    chars: list[str] = []
    runs: list[str] = []
    literals: list[str] = []

    def walk(items) -> None:  # type: ignore[no-untyped-def]
        run = ""
        for op, arg in items:
            if op is LITERAL:
                chars.append(chr(arg))
                literals.append(chr(arg))
                run += chr(arg)
                continue
            if len(run) > 1:
                runs.append(run)
            run = ""
            if op is IN:
                for sub_op, sub_arg in arg:
                    if sub_op is LITERAL:
                        chars.append(chr(sub_arg))
                    elif sub_op is RANGE:
                        chars.append(chr(sub_arg[0]))
                    elif sub_op is CATEGORY:
                        chars.extend(_CATEGORY_SAMPLES.get(sub_arg, ""))
                    elif sub_op is NEGATE:
                        chars.extend(" a")
            elif isinstance(arg, sre_parse.SubPattern):
                walk(arg)
            elif isinstance(arg, (tuple, list)):
                for part in arg:
                    if isinstance(part, sre_parse.SubPattern):
                        walk(part)
                    elif isinstance(part, (tuple, list)):
                        for sub in part:
                            if isinstance(sub, sre_parse.SubPattern):
                                walk(sub)
        if len(run) > 1:
            runs.append(run)

    walk(sre_parse.parse(pattern, flags))
    unique = list(dict.fromkeys(chars))
    return unique, list(dict.fromkeys(runs)), list(dict.fromkeys(literals))


def _shapes(pattern: str, flags: int) -> list[tuple[str, str, str]]:
    """(head, repeated atom, tail) triples to try the pattern on: every atom alone, and runs of
    layout and of the pattern's first characters behind each of its literal heads (the shape of
    ``# a`` + spaces + ``b`` against a heading pattern)."""
    chars, runs, literals = _atoms(pattern, flags)
    atoms = list(dict.fromkeys(_COMMON + chars[:16] + runs[:6]))
    shapes = [("", atom, tail) for atom in atoms for tail in _TAILS]
    heads = ["x"] + [h + w for h in runs[:3] + literals[:4] for w in ("", " a")]
    near = list(dict.fromkeys([" ", "\t", "a", "a "] + chars[:4]))
    shapes += [(head, atom, tail) for head in heads for atom in near for tail in _TAILS]
    return shapes


def _text(shape: tuple[str, str, str], n: int) -> str:
    head, atom, tail = shape
    return head + atom * max(1, n // len(atom)) + tail


class _TooSlow(Exception):
    pass


def _alarm(signum, frame):  # type: ignore[no-untyped-def]
    raise _TooSlow


def _cost(compiled: re.Pattern[str], text: str) -> float:
    """CPU seconds (of this process: other work on the machine does not count) to run the
    pattern over ``text``; a run is cut off after CUTOFF seconds (the regex engine checks for
    signals while it backtracks)."""
    start = time.process_time()
    previous = signal.signal(signal.SIGVTALRM, _alarm)
    signal.setitimer(signal.ITIMER_VIRTUAL, CUTOFF)
    try:
        for _ in compiled.finditer(text):
            pass
        compiled.fullmatch(text)
    except _TooSlow:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
    return time.process_time() - start


def _super_linear(pattern: str, flags: int) -> str | None:
    compiled = re.compile(pattern, flags)
    for shape in _shapes(pattern, flags):
        short = _cost(compiled, _text(shape, SHORT))
        if short < SLOW:
            continue
        if short == float("inf"):
            return f"over {CUTOFF} s at {SHORT} chars: {_describe(shape)}"
        # Linear work grows 8x, quadratic 64x. One run at LONG clears most slow-but-linear
        # shapes (a busy machine can only make it look slower, never faster); one that looks
        # super-linear is measured again, best of three, before it fails the test.
        grown = _cost(compiled, _text(shape, LONG))
        if grown <= 0.1 or grown <= 20 * short:
            continue
        short = min(_cost(compiled, _text(shape, SHORT)) for _ in range(3))
        grown = min(_cost(compiled, _text(shape, LONG)) for _ in range(3))
        if grown > 0.1 and grown > 20 * short:
            return f"{short:.3f} s at {SHORT} chars, {grown:.3f} s at {LONG}: {_describe(shape)}"
    return None


def _describe(shape: tuple[str, str, str]) -> str:
    return f"head {shape[0][:20]!r}, atom {shape[1]!r}, tail {shape[2]!r}"


def test_every_pattern_on_target_text_is_linear(tmp_path):
    patterns = {**_recorded_patterns(tmp_path), **_literal_patterns()}
    assert len(patterns) > 60  # the collection itself works
    slow = {}
    for (pattern, flags), where in sorted(patterns.items(), key=lambda kv: kv[1]):
        problem = _super_linear(pattern, flags)
        if problem:
            slow[f"{where} {pattern!r}"] = problem
    assert not slow, "super-linear patterns:\n" + "\n".join(f"{k}\n    {v}" for k, v in slow.items())
