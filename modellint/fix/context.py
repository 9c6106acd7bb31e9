"""What every fixer is handed and may raise: the shared context of one ``modellint fix`` run.

Its own module, below both the fixers (``fix.fixers``) and the loop that runs them (``fix``), so
that neither imports the other for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from modellint.edit import ChangeSet
from modellint.edit.card import CardDoc
from modellint.model import Finding

CARD = "README.md"


class Context:
    """What fixers share: the facts, the pending edits, the card being edited, the options."""

    def __init__(self, root: str, facts: Any, offline: bool = False,
                 license_file: str | None = None) -> None:
        self.root = root
        self.facts = facts
        self.changes = ChangeSet(root)
        self.offline = offline
        self.license_file = license_file
        self._card: CardDoc | None = None

    def card(self) -> CardDoc:
        """The card being edited (created empty when the repository has none)."""
        if self._card is None:
            self._card = CardDoc(self.changes.read(CARD) or "")
        return self._card

    def save_card(self, reason: str) -> None:
        if self._card is not None:
            self.changes.write(CARD, self._card.render(), reason)


Fixer = Callable[[Finding, Context], str]


class NotFixed(Exception):
    """A fixer's way of saying why it did not edit: the message tells the author what to do."""
