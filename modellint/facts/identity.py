"""Repository identity: which Hub repository this is, what the model is called, and whose it is.

The model's name is the repository's name: the Hub id's name part (from the Hub source, a cache
folder's name, a clone's ``origin``, or the ``repo-id`` setting), else the folder's name. A card
heading is never the name: cards open with "Update!", "About" or a banner, and a trainer's
``model-index`` name (``out``, ``results``) is a scratch folder, not what the model is published as.
"""

from typing import Any, NamedTuple

from modellint.model import TargetInfo

_ID_FROM = {"hf": "hub", "hf-cache": "hub-cache", "local": "git-remote", "git": "git-remote"}


class Identity(NamedTuple):
    """Who the repository is on the Hub, and the model's name."""

    repo_id: str | None = None  # "org/name"
    repo_id_from: str | None = None  # hub | hub-cache | git-remote | setting
    name: str | None = None  # the model's name, as naming rules judge it
    name_from: str | None = None  # repo-id | folder
    # `licensor = true` in the configuration: the repository is the license holder's own release.
    licensor: bool = False

    @property
    def org(self) -> str | None:
        """The Hub organisation, lower-cased."""
        if self.repo_id and "/" in self.repo_id:
            return self.repo_id.split("/", 1)[0].lower()
        return None

    def holds(self, license_record: Any) -> bool:
        """Is this repository one of the license holder's own (its organisation is among the
        record's ``holders``)? The licensor owes itself none of a redistributor's duties."""
        org = self.org
        return org is not None and org in getattr(license_record, "holders", ())


def identify_repository(info: TargetInfo, repo_id: str | None = None,
                        licensor: bool = False) -> Identity:
    """The identity of a target; ``repo_id`` (the ``repo-id`` setting) overrides what the source
    found."""
    if repo_id:
        found, found_from = repo_id.strip().strip("/"), "setting"
    elif info.repo_id:
        found, found_from = info.repo_id, _ID_FROM.get(info.kind, info.kind)
    else:
        found, found_from = None, None
    if found:
        name, name_from = found.rsplit("/", 1)[-1], "repo-id"
    elif info.name:
        name, name_from = info.name, "folder"
    else:
        name, name_from = None, None
    return Identity(found, found_from, name, name_from, licensor)
