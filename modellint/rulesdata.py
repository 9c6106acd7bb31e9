"""Where modellint's rulebook is installed, and its data tables.

The ``rules/`` folder ships as the package ``modellint._rules`` (see pyproject.toml). Below the
registry (specs), the knowledge base (licenses), the profiles and the checks that read a table of
``rules/data`` (base models, compatibility, modification markers), so none of them imports
another to find it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from modellint.records import read_records


class RulesDataError(Exception):
    """The packaged rules folder is missing: a broken installation."""


@lru_cache(maxsize=1)
def rules_data_dir() -> str:
    """The packaged ``rules/`` folder (``modellint._rules``), in a wheel or an editable install."""
    import importlib.util

    spec = importlib.util.find_spec("modellint._rules")
    if spec is None or not spec.submodule_search_locations:
        raise RulesDataError("the packaged rules data (modellint._rules) is missing")
    return str(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def _data_records() -> dict[str, Any]:
    return read_records(os.path.join(rules_data_dir(), "data"))


def rules_data(name: str) -> dict[str, Any]:
    """One parsed TOML file of ``rules/data`` (through the folder's cached copy)."""
    return _data_records()[name]  # type: ignore[no-any-return]
