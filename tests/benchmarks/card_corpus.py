"""Build card-folder corpora from the real Hub cards in ``shared/hf-cards/cards``.

Two layouts:

- ``clones``: each card ``org_name.md`` becomes ``OUT/org/name/README.md`` inside a git work tree
  whose ``origin`` is ``https://huggingface.co/org/name`` (nothing committed), the layout the judged
  sample in ``shared/realcards`` was linted in. The ``.git`` folder is written by hand (``HEAD``,
  ``config``, empty ``objects`` and ``refs``): ``git init`` per folder costs more than the audit.
- ``synthetic``: ``--count N`` folders ``OUT/NNNN/org__name-K/README.md``, cycling through the real
  cards; the README is a hard link to one copy of each card (``--copy`` writes real copies), so a
  million folders cost a million directories, not 11 GB. Folder names differ, so every target is
  its own model to the linter. A targets file listing every folder is written beside them.

    python tests/benchmarks/card_corpus.py clones OUT
    python tests/benchmarks/card_corpus.py synthetic OUT --count 1000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import SHARED  # noqa: E402

CARDS = SHARED / "hf-cards" / "cards"
PER_SHARD = 1000  # folders per shard directory: keeps every directory listing small


def card_paths() -> list[Path]:
    cards = sorted(CARDS.glob("*.md"))
    if not cards:
        raise SystemExit(f"no cards under {CARDS}")
    return cards


def repo_id(card: Path) -> str:
    """``org_name.md`` -> ``org/name``: the first underscore separates them (the crawl's rule)."""
    org, _, name = card.stem.partition("_")
    return f"{org}/{name}" if name else card.stem


def write_git_dir(folder: Path, hub_id: str) -> None:
    git = folder / ".git"
    (git / "objects").mkdir(parents=True, exist_ok=True)
    (git / "refs" / "heads").mkdir(parents=True, exist_ok=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "config").write_text(
        "[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
        f'[remote "origin"]\n\turl = https://huggingface.co/{hub_id}\n'
        "\tfetch = +refs/heads/*:refs/remotes/origin/*\n")


def build_clones(out: Path) -> list[str]:
    targets = []
    for card in card_paths():
        hub_id = repo_id(card)
        folder = out / hub_id
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(card, folder / "README.md")
        write_git_dir(folder, hub_id)
        targets.append(str(folder))
    return targets


def build_synthetic(out: Path, count: int, copy: bool) -> list[str]:
    cards = card_paths()
    originals = out / "_cards"
    originals.mkdir(parents=True, exist_ok=True)
    sources = []
    for card in cards:  # one copy inside OUT, so the hard links stay on one file system
        dest = originals / card.name
        if not dest.exists():
            shutil.copyfile(card, dest)
        sources.append(dest)
    targets = []
    for n in range(count):
        src = sources[n % len(sources)]
        folder = out / f"{n // PER_SHARD:04d}" / f"{src.stem.replace('_', '__', 1)}-{n // len(sources)}"
        folder.mkdir(parents=True, exist_ok=True)
        readme = folder / "README.md"
        if not readme.exists():
            if copy:
                shutil.copyfile(src, readme)
            else:
                os.link(src, readme)
        targets.append(str(folder))
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("layout", choices=["clones", "synthetic"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--copy", action="store_true", help="synthetic: copies, not hard links")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.layout == "clones":
        targets = build_clones(args.out)
    else:
        targets = build_synthetic(args.out, args.count, args.copy)
    listing = args.out / "targets.txt"
    listing.write_text("".join(t + "\n" for t in targets))
    print(f"{len(targets)} targets; list in {listing}")


if __name__ == "__main__":
    main()
