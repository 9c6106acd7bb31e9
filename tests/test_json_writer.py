"""The reports' JSON writer gives the bytes ``json.dump(indent=2, ensure_ascii=False)`` gives."""

from __future__ import annotations

import enum
import io
import json
import random
from pathlib import Path

import pytest

from modellint.reporters._json import dump_indented


class Level(str, enum.Enum):
    ERROR = "error"


class Count(enum.IntEnum):
    ONE = 1


def written(obj, **kwargs) -> str:
    out = io.StringIO()
    dump_indented(obj, out, **kwargs)
    return out.getvalue()


@pytest.mark.parametrize("obj", [
    {}, [], (), "x", 0, -1.5, None, True, False, 10**30,
    {"a": [], "b": {}, "c": [{}], "d": [[], [1, [2, {"e": None}]]]},
    {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "tiny": 1e-300, "f": 0.1},
    {1: "int key", 2.5: "float key", None: "null key"}, {True: "bool key", False: "f"},
    {"text": "é \u2028 \x00 \x1f \" \\ / \ud800 \U0001f600 <b>\n\t"},
    {"enum": Level.ERROR, "int enum": Count.ONE, "tuple": (1, (2, 3)), Level.ERROR: 1},
    [{"deep": [[[[{"x": [1, 2, {"y": "z"}]}]]]]}],
])
def test_same_bytes_as_the_standard_library(obj):
    assert written(obj) == json.dumps(obj, indent=2, ensure_ascii=False)


def test_default_is_called_where_json_calls_it():
    obj = {"path": Path("a/b"), "set": [frozenset()], "nested": {"p": Path("c")}}
    assert written(obj, default=str) == json.dumps(obj, indent=2, ensure_ascii=False, default=str)
    with pytest.raises(TypeError, match="Object of type PosixPath is not JSON serializable"):
        written({"path": Path("a")})
    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None, not tuple"):
        written({(1, 2): "x"})


def test_circular_references_are_refused():
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference detected"):
        written(loop)


def test_random_documents_and_a_large_one_written_in_blocks():
    rng = random.Random(7)

    def value(depth: int) -> object:
        kind = rng.randrange(8 if depth < 4 else 5)
        if kind == 0:
            return rng.choice(["", "a", "ü", "line\nbreak", "\t\"q\""])
        if kind == 1:
            return rng.randint(-10**6, 10**6)
        if kind == 2:
            return rng.random() * 10 ** rng.randint(-5, 20)
        if kind == 3:
            return rng.choice([None, True, False])
        if kind == 4:
            return []
        if kind == 5:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        if kind == 6:
            return tuple(value(depth + 1) for _ in range(rng.randrange(3)))
        return {f"k{i}": value(depth + 1) for i in range(rng.randrange(4))}

    for _ in range(300):
        obj = value(0)
        assert written(obj) == json.dumps(obj, indent=2, ensure_ascii=False)
    big = {"targets": [{"i": i, "data": {"list": list(range(5))}} for i in range(20_000)]}
    assert written(big) == json.dumps(big, indent=2, ensure_ascii=False)


def test_text_rendered_for_its_place_is_written_as_it_stands():
    # An audit's workers render each target's entries at their depth; the writer joins them.
    from modellint.reporters._json import Raw, indented

    entries = [{"target": "a", "licenses": {"weights": ["mit"], "evidence": []}}, {"b": [1, {}]}]
    doc = {"schema_version": 1, "targets": entries, "summary": {"error": 0}}
    joined = {**doc, "targets": [indented(e, 2) for e in entries]}
    assert all(type(t) is Raw for t in joined["targets"])
    assert written(joined) == json.dumps(doc, indent=2, ensure_ascii=False)
    assert written({"x": Raw("[\n    1\n  ]")}) == '{\n  "x": [\n    1\n  ]\n}'


def test_an_object_met_again_is_written_as_json_writes_it_at_each_level():
    shared = {"kind": "card", "line": 2, "confidence": 0.8, "known": True, "detail": None}
    names = ["apache-2.0", "mit"]
    obj = {"a": [shared, shared], "b": {"c": [shared], "d": names}, "e": names, "f": [[shared]]}
    assert written(obj) == json.dumps(obj, indent=2, ensure_ascii=False)


def test_objects_made_by_default_are_not_mistaken_for_earlier_ones():
    # default makes a new list each time; a freed one's id may be given to the next: the text of
    # each must be its own.
    class Point:
        def __init__(self, n):
            self.n = n

    def default(value):
        return [value.n, str(value.n)]

    obj = [Point(n) for n in range(200)]
    assert written(obj, default=default) == json.dumps(obj, indent=2, ensure_ascii=False,
                                                       default=default)


def test_flat_containers_of_subclasses_take_the_general_path():
    obj = {"levels": [Level.ERROR, "x"], "counts": {"one": Count.ONE, "two": 2},
           "floats": [1.5, float("nan"), -0.0, 1e300], "tuple": ("a", 1)}
    assert written(obj) == json.dumps(obj, indent=2, ensure_ascii=False)


def _examples():
    root = Path(__file__).resolve().parent.parent / "examples"
    return sorted(p for p in root.iterdir() if p.is_dir())


@pytest.mark.parametrize("example", _examples(), ids=lambda p: p.name)
def test_entries_written_from_the_picture_are_the_generic_writers_bytes(example):
    # Workers write a target's entry from its license picture and a finding's from its scalars
    # (json_format.target_pieces); the bytes must be those of the general writer.
    from modellint.reporters._json import indented
    from modellint.reporters.json_format import ITEM_LEVEL, finding_json, target_json, target_pieces
    from modellint.runner import RunOptions, lint_target

    result = lint_target(str(example), RunOptions(inventory=False), _registry())
    info = result.report.targets[0] if result.report.targets else result.info
    findings = list(result.report.findings)
    if findings:  # a suppressed finding, and data of nested and odd values
        findings.append(findings[0]._replace(
            suppressed_by="card", suppression_reason="waived \u2028 until 2027",
            data={"bases": ["a/b", "c/d"], "nested": {"x": [1, {"y": None}]}, "level": Level.ERROR,
                  "path": Path("LICENSE"), "ratio": 0.5, "flag": False}))
    expected = ((indented(target_json(info), ITEM_LEVEL, default=str),) if info is not None else ()) \
        + tuple(indented(finding_json(f), ITEM_LEVEL, default=str) for f in findings)
    assert target_pieces(info, findings) == expected


_REGISTRY = []


def _registry():
    if not _REGISTRY:
        from modellint.registry import load_registry

        _REGISTRY.append(load_registry())
    return _REGISTRY[0]
