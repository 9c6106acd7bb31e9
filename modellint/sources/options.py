"""How to open a target. Its own module so that the sources (hf, git, ...) need not import the
package that dispatches to them."""

from typing import NamedTuple


class SourceOptions(NamedTuple):
    """How to open a target: git revision or index, Hub token, offline mode."""

    rev: str | None = None  # --rev: lint the tree of a commit
    staged: bool = False  # --staged: lint the git index
    since: str | None = None  # --since BASE: also compare BASE..HEAD
    token: str | None = None  # Hub token (never printed)
    offline: bool = False
    # The target is a model folder of the repository at this folder, linted model by model
    # (modellint.discovery): it inherits the license, notice and policy files of that top it lacks.
    inherit_top: str | None = None
    # --kind: what the target is ("model" or "dataset"), whatever its card looks like; None
    # decides from the source and the card.
    kind: str | None = None

    def __repr__(self) -> str:  # a traceback or a debug print must not show the token
        token = "'***'" if self.token else "None"
        return (f"SourceOptions(rev={self.rev!r}, staged={self.staged}, since={self.since!r}, "
                f"token={token}, offline={self.offline}, inherit_top={self.inherit_top!r}, "
                f"kind={self.kind!r})")
