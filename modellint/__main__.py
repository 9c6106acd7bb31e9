import sys

# `python -m modellint` puts the working directory first on sys.path. When that directory is the
# repository being scanned, a file such as `yaml.py` in it would be imported as our own dependency:
# drop the entry so nothing in a scanned repository is ever imported.
if sys.path and sys.path[0] in ("", "."):
    sys.path.pop(0)
else:
    import os

    if sys.path and os.path.abspath(sys.path[0]) == os.getcwd():
        sys.path.pop(0)

from modellint.entry import main  # noqa: E402

main()
