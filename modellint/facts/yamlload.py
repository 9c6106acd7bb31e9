"""Card front matter, built into plain JSON-friendly values.

Most front matter is plain block YAML (keys, lists, one plain or simply quoted scalar per line):
``blockyaml`` reads it in one pass over the lines. Everything else goes through libyaml: PyYAML's C
loader parses in C but still resolves every scalar's tag through Python and builds every object
through its generic Python constructor; here tags are resolved from the scalar's first character
as PyYAML's table does (most plain scalars can only be strings), and one recursive walk builds
dicts, lists and scalars directly, with the node budget and depth limit checked as it goes.
Scalars other than plain strings (ints, floats, booleans, dates, null) go through PyYAML's own
safe constructors, and anything rarer (merge keys ``<<``, ``!!set``, ``!!omap``, unhashable keys)
falls back to the standard safe constructor on the same node graph, so the values are the ones
``yaml.safe_load`` gives, made JSON-friendly as before (keys and odd scalars as strings).
"""

import gc
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from modellint.facts import blockyaml
from modellint.facts.blockyaml import GiveUp

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"
_SCALARS = {tag: fn for tag, fn in SafeConstructor.yaml_constructors.items()
            if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                       "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp",
                       "tag:yaml.org,2002:binary")}


_CONSTRUCTOR = SafeConstructor()  # its scalar constructors keep no state


class TooBig(Exception):
    """The document expands to more nodes, or nests deeper, than a card's metadata may."""


class _Rare(Exception):
    """A construct the fast walk leaves to PyYAML's constructor."""


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# PyYAML's table of implicit types by a plain scalar's first character ('' for the empty scalar).
# Most plain scalars in a card (`apache-2.0`, `en`, `text-generation`) start with a character no
# implicit type can start with: they are strings without a dict look-up or a regex.
_IMPLICIT: dict[Any, list[tuple[str, Any]]] = _Base.yaml_implicit_resolvers
assert None not in _IMPLICIT and not _Base.yaml_path_resolvers  # none are registered by PyYAML


class _Loader(_Base):  # type: ignore[misc]
    """libyaml's parser with a cheap tag resolver: libyaml asks it once per node."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR  # quoted, or a block scalar: always a string
            # PyYAML's own resolution, minus its generic steps (no path or wildcard resolvers
            # are registered). No cache: card values are mostly unique (scores, names).
            for tag, pattern in _IMPLICIT.get(value[:1], ()):
                if pattern.match(value):
                    return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass  # no path resolvers are registered

    def ascend_resolver(self) -> None:
        pass


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # dates, bytes


class _Builder:
    def __init__(self, budget: int, max_depth: int) -> None:
        self.budget = budget
        self.max_depth = max_depth
        self.open: set[int] = set()  # nodes being built: an alias back into one is a cycle

    def build(self, node: Node, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0 or depth > self.max_depth:
            raise TooBig
        cls = node.__class__
        if cls is ScalarNode:
            return node.value if node.tag == _STR else self.scalar(node)
        key = id(node)
        if key in self.open:
            raise TooBig  # a recursive structure expands without end
        self.open.add(key)
        try:
            deeper = depth + 1
            if cls is SequenceNode and node.tag == _SEQ:
                return [self.build(item, deeper) for item in node.value]
            if cls is MappingNode and node.tag == _MAP:
                out: dict[str, Any] = {}
                for key_node, value_node in node.value:
                    if key_node.__class__ is not ScalarNode:
                        raise _Rare  # a complex key
                    if key_node.tag == _STR:  # the common case, built here without a call
                        self.budget -= 1
                        name = key_node.value
                    elif key_node.tag in _SCALARS:
                        name = str(self.build(key_node, deeper))
                    else:
                        raise _Rare  # a merge key
                    if value_node.__class__ is ScalarNode and value_node.tag == _STR:
                        self.budget -= 1
                        out[name] = value_node.value
                    else:
                        out[name] = self.build(value_node, deeper)
                if self.budget < 0 or deeper > self.max_depth:
                    raise TooBig
                return out
            raise _Rare
        finally:
            self.open.discard(key)

    def scalar(self, node: Node) -> Any:
        value = _scalar(node.tag, node.value, node)
        if value is _RARE:
            raise _Rare
        return value


_RARE = object()


def _scalar(tag: str, value: str, node: Node | None = None) -> Any:
    """A plain scalar of a non-string tag, as PyYAML constructs it (JSON-friendly), else _RARE."""
    # Scores and counts, the bulk of an evaluation block, read as PyYAML's constructors read
    # them (they also take signs apart, underscores, octal, bases 60 and 2/16, .inf).
    if tag == _FLOAT and "_" not in value and ":" not in value and value[-1] not in "fFnN":
        return float(value)  # not .inf or .nan: a plain decimal, as float() reads it
    if tag == _INT and value.isdigit() and value[0] != "0":  # the tag means ASCII digits
        return int(value)
    fn = _SCALARS.get(tag)
    if fn is None:
        return _RARE
    return _plain(fn(_CONSTRUCTOR, node or ScalarNode(tag, value)))


def _typed(tag: str, value: str) -> Any:
    """For blockyaml: a scalar's value, or GiveUp when libyaml's path should read it (an
    unusual tag, or a value PyYAML refuses: its error message comes from that path)."""
    try:
        result = _scalar(tag, value)
    except (ValueError, TypeError, OverflowError):
        raise GiveUp from None
    if result is _RARE:
        raise GiveUp
    return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return _plain(value)


def _count(value: Any, budget: list[int], depth: int, max_depth: int) -> None:
    budget[0] -= 1
    if budget[0] < 0 or depth > max_depth:
        raise TooBig
    if isinstance(value, dict):
        for k, v in value.items():
            _count(k, budget, depth + 1, max_depth)
            _count(v, budget, depth + 1, max_depth)
    elif isinstance(value, list):
        for v in value:
            _count(v, budget, depth + 1, max_depth)


def load(text: str, max_nodes: int, max_depth: int) -> Any:
    """The document's value, JSON-friendly. Raises yaml.YAMLError for invalid YAML, TooBig past the
    budget, and ValueError/TypeError/OverflowError/RecursionError for values PyYAML refuses."""
    # The node graph is a burst of short-lived objects without cycles (an alias cycle is left for
    # a later collection): the cycle collector, run on them, costs an eighth of the parse.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(text, max_nodes, max_depth)
    finally:
        if collecting:
            gc.enable()


def _load(text: str, max_nodes: int, max_depth: int) -> Any:
    value = blockyaml.read(text, max_nodes, max_depth, _IMPLICIT, _typed)
    if value is not None:
        return value  # plain block YAML, most cards' front matter: read without libyaml's nodes
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return None
    try:
        return _Builder(max_nodes, max_depth).build(node, 0)
    except _Rare:
        constructor = SafeConstructor()
        value = constructor.construct_document(node)
        _count(value, [max_nodes], 0, max_depth)
        return _jsonable(value)
