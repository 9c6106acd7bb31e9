"""The Hub repository a local clone comes from, read from its git configuration as text.

A clone of ``https://huggingface.co/org/name`` is that Hub repository's working copy: its
identity (whose release it is, what the model is called) is the Hub id. The configuration is read
as a small text file and parsed here, never through git: a scanned repository's git config can name
commands (``core.fsmonitor``, credential helpers) that must not run, and a pre-commit run must not
pay for starting git or importing gitpython.
"""

import os
import re
import stat

MAX_CONFIG_BYTES = 64 * 1024
_SECTION = re.compile(r'^\s*\[\s*remote\s+"origin"\s*\]\s*$', re.I)
_ANY_SECTION = re.compile(r"^\s*\[")
_URL = re.compile(r"^\s*url\s*=\s*(\S{1,500})\s*$", re.I)
# https://huggingface.co/org/name(.git), with credentials or not; git@hf.co:org/name; datasets/...
_HUB_REMOTE = re.compile(
    r"^(?:https?://(?:[^@/\s]{1,200}@)?|ssh://(?:[^@/\s]{1,200}@)?|[\w.-]{1,64}@)"
    r"(?:www\.)?(?:huggingface\.co|hf\.co)[:/]"
    r"(?:(?P<type>datasets|spaces)/)?(?P<org>[\w.-]{1,96})/(?P<name>[\w.-]{1,96}?)(?:\.git)?/?$",
    re.I | re.A)


class HubRemote:
    """A Hub repository named by a clone's ``origin``."""

    __slots__ = ("repo_type", "repo_id")

    def __init__(self, repo_type: str, repo_id: str) -> None:
        self.repo_type = repo_type  # "model", "dataset" or "space"
        self.repo_id = repo_id

    def __repr__(self) -> str:
        return f"HubRemote({self.repo_type!r}, {self.repo_id!r})"


def hub_remote(root: str) -> HubRemote | None:
    """The Hub repository that ``root`` (a work tree's top folder) was cloned from, if any."""
    config = _config_path(os.path.join(root, ".git"))
    text = _read_small(config) if config else None
    if text is None:
        return None
    url = origin_url(text)
    return parse_hub_url(url) if url else None


def origin_url(config_text: str) -> str | None:
    """``remote.origin.url`` from git config text (the first one, as git reads it)."""
    in_origin = False
    for line in config_text.splitlines():
        if _ANY_SECTION.match(line):
            in_origin = bool(_SECTION.match(line))
            continue
        if in_origin:
            m = _URL.match(line)
            if m:
                return m.group(1).strip('"')
    return None


def parse_hub_url(url: str) -> HubRemote | None:
    m = _HUB_REMOTE.match(url.strip())
    if not m:
        return None
    kind = {"datasets": "dataset", "spaces": "space"}.get((m.group("type") or "").lower(), "model")
    return HubRemote(kind, f"{m.group('org')}/{m.group('name')}")


def _config_path(dot_git: str) -> str | None:
    """The config file of a ``.git`` folder, or of the main repository a ``.git`` file (a linked
    work tree or a submodule) points to."""
    try:
        st = os.lstat(dot_git)
    except OSError:
        return None
    if stat.S_ISDIR(st.st_mode):
        return os.path.join(dot_git, "config")
    text = _read_small(dot_git)
    if not text or not text.startswith("gitdir:"):
        return None
    gitdir = os.path.join(os.path.dirname(dot_git), text[len("gitdir:"):].strip())
    common = _read_small(os.path.join(gitdir, "commondir"))
    if common:
        gitdir = os.path.join(gitdir, common.strip())
    return os.path.join(gitdir, "config")


def _read_small(path: str) -> str | None:
    """A small regular file's text, or None (missing, a FIFO or device, too big, not text)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_CONFIG_BYTES:
            return None
        data = os.read(fd, MAX_CONFIG_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data.decode("utf-8", "replace")
