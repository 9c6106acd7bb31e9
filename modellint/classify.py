"""Sort repository paths into the roles licensing cares about, from the path alone.

File-name patterns are ASCII-only (``re.A``): the names they look for are ASCII, and an
ASCII case-insensitive pattern compiles in half the time, at every run's start.
"""

import re
from typing import NamedTuple

CARD = "card"
LICENSE = "license"
NOTICE = "notice"
POLICY = "policy"
WEIGHTS = "weights"
WEIGHTS_INDEX = "weights-index"
CONFIG = "config"
CHANGELOG = "changelog"

# Suffix -> weight format name. Multi-part suffixes are matched first.
WEIGHT_FORMATS: dict[str, str] = {
    ".safetensors": "safetensors",
    ".gguf": "gguf",
    ".ggml": "ggml",
    ".bin": "pytorch",
    ".pt": "pytorch",
    ".pth": "pytorch",
    ".ckpt": "pytorch",
    ".onnx": "onnx",
    ".h5": "keras",
    ".hdf5": "keras",
    ".keras": "keras",
    ".msgpack": "flax",
    ".tflite": "tflite",
    ".npz": "numpy",
    ".npy": "numpy",
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".joblib": "joblib",
    ".mlmodel": "coreml",
    ".pb": "tensorflow",
    ".nemo": "nemo",
    ".llamafile": "llamafile",
}
_INDEX = re.compile(r"\.(safetensors|bin|pt|pth|ckpt|msgpack|h5)\.index\.json$", re.I | re.A)
# Pickle-based formats: never unpickled, they carry no license metadata.
PICKLE_FORMATS = frozenset({"pytorch", "pickle", "joblib"})

# License file names. A name is matched as a whole by `.+[-_.\s]license(...)?$`-style patterns
# only at a quadratic cost (`.+` backtracks to every "license" in a long name), so the forms
# are split into a prefix match and a fixed-length search:
_LICENSE_START = re.compile(
    r"""(un)?licen[cs]es?(?:[-_.\s]|$)    # LICENSE, LICENCE, LICENSE.md, LICENSE-MODEL, LICENSES.txt
      | copying(?:[-_.]|$)                # COPYING, COPYING.LESSER
      | model[-_]?licen[cs]e              # MODEL_LICENSE, ModelLicense.txt
      | terms[-_.\s]?of[-_.\s]?(?:use|service)(?:[-_.\s]|$)   # TERMS_OF_USE.md
      | eula(?:[-_.\s]|$)                 # EULA.txt
    """,
    re.I | re.X | re.A,
)
_LICENSE_INSIDE = re.compile(
    r""".[-_.\s]licen[cs]e(?:[-_.\s]|$)   # MODEL-LICENSE, llama3_license.txt, apache.license
      | licen[cs]e[-_\s]?agreement        # "LICENSE AGREEMENT.txt"
      | .[-_.\s]terms[-_.\s]?of[-_.\s]?(?:use|service)(?:[-_.\s]|$)  # GEMMA_TERMS_OF_USE.txt
      | .[-_.\s]eula(?:[-_.\s]|$)        # MODEL_EULA.md
    """,
    re.I | re.X | re.A,
)


# A template for something else that names a license: a source-file header to paste
# (`docs/license_header.txt`), a boilerplate, a template to fill in. It holds no license.
_TEMPLATE_WORD = re.compile(
    r"(?:^|[-_.\s])(?:header|headers|template|templates|tmpl|boilerplate|snippet)(?:[-_.\s]|$)",
    re.I | re.A)


def _license_name(name: str) -> bool:
    return ("\n" not in name and bool(_LICENSE_START.match(name) or _LICENSE_INSIDE.search(name))
            and not _TEMPLATE_WORD.search(name))


_NOTICE_NAME = re.compile(r"^(notice|notices|attribution|third[-_]party[-_]notices?)([-_.].*)?$", re.I | re.A)
_POLICY_NAME = re.compile(
    r"(use[-_\s]?policy|acceptable[-_\s]?use|prohibited[-_\s]?use|responsible[-_\s]?use|\baup\b)",
    re.I | re.A,
)
_CHANGELOG_NAME = re.compile(r"^(changelog|changes|history|release[-_]?notes)([-_.].*)?$", re.I | re.A)
_CONFIG_NAMES = frozenset({"config.json", "adapter_config.json", "generation_config.json"})
# Scope hints in license file names: LICENSE-CODE, MODEL_LICENSE, LICENSE_WEIGHTS ...
_SCOPE_HINTS = (
    ("code", re.compile(r"(^|[-_.\s])(code|software|source)([-_.\s]|$)", re.I | re.A)),
    ("weights", re.compile(r"(^|[-_.\s])(model|weights?|params|parameters|checkpoints?)([-_.\s]|$)", re.I | re.A)),
    ("data", re.compile(r"(^|[-_.\s])(data|dataset)([-_.\s]|$)", re.I | re.A)),
)
_TEXT_SUFFIXES = ("", ".md", ".txt", ".rst", ".markdown", ".html", ".pdf")
# Suffixes of code, data and images: `check_license.py` or `LICENSE.png` share a license file's
# name but hold no license text. Any other suffix may be a license's (`LICENSE.llama3`).
_NOT_TEXT_SUFFIXES = frozenset({
    ".py", ".pyc", ".ipynb", ".js", ".ts", ".sh", ".rs", ".go", ".c", ".h", ".cc", ".cpp",
    ".java", ".rb", ".so", ".json", ".jsonl", ".yaml", ".yml", ".toml", ".csv", ".tsv",
    ".parquet", ".xml", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".zip",
    ".gz", ".tar",
})


class Classified(NamedTuple):
    """The role a path plays for licensing, with the weight format or license scope."""

    role: str | None
    weight_format: str | None = None
    scope: str | None = None  # license files only: code | weights | data | None (whole repo)


def weight_format(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1].lower()
    dot = name.find(".")
    while dot != -1:
        fmt = WEIGHT_FORMATS.get(name[dot:])
        if fmt:
            return fmt
        dot = name.find(".", dot + 1)
    return None


def license_scope(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    stem = re.sub(r"licen[cs]e", " ", name, flags=re.I | re.A)
    for scope, pattern in _SCOPE_HINTS:
        if pattern.search(stem):
            return scope
    return None


def from_top(path: str) -> str:
    """A path as seen from the repository's top: a file a model folder inherits from the top of
    its repository is listed as `../../LICENSE` (see sources/inherit.py); this gives `LICENSE`."""
    while path.startswith("../"):
        path = path[3:]
    return path


def at_top(path: str) -> bool:
    """Is ``path`` a file at the top (of the target, or of the repository it inherits from)?"""
    return "/" not in from_top(path)


def in_top_licenses_dir(path: str) -> bool:
    """Is ``path`` in a top-level LICENSES/ folder (REUSE layout)?"""
    parts = from_top(path).split("/")
    return len(parts) == 2 and parts[0].lower() in ("licenses", "licences")


def classify(path: str) -> Classified:
    """Classify a repo-relative POSIX path."""
    parts = path.split("/")
    name = parts[-1]
    lower = name.lower()
    if path == "README.md":
        return Classified(CARD)
    if _INDEX.search(lower):
        return Classified(WEIGHTS_INDEX)
    fmt = weight_format(path)
    if fmt:
        # "pytorch_model.bin" is weights; "LICENSE.bin" is not a thing, so weights win.
        return Classified(WEIGHTS, weight_format=fmt)
    if lower in _CONFIG_NAMES and len(parts) == 1:
        return Classified(CONFIG)
    suffix = lower[lower.rfind(".") :] if "." in lower else ""
    textual = suffix not in _NOT_TEXT_SUFFIXES
    in_licenses_dir = len(parts) > 1 and parts[-2].lower() in ("licenses", "licences")
    if in_licenses_dir or (textual and _license_name(name)):
        if _POLICY_NAME.search(name):
            return Classified(POLICY)
        return Classified(LICENSE, scope=license_scope(path))
    if _NOTICE_NAME.match(name):
        return Classified(NOTICE)
    if _POLICY_NAME.search(name) and suffix in _TEXT_SUFFIXES:
        return Classified(POLICY)
    if _CHANGELOG_NAME.match(name) and len(parts) == 1:
        return Classified(CHANGELOG)
    return Classified(None)
