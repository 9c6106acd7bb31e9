"""Start-up budget: what a local `modellint check` must not import.

A pre-commit run lasts ~0.08 s, half of it the interpreter, click and PyYAML. Each module below
costs a run between 1 and 60 ms and is needed only by some other path (a Hub target, a git
revision, a config file, a plugin, a mistake to name), so a typical local scan must not load it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from modellint.testing import write_repo
from tests.weight_writers import safetensors_bytes

HEAVY = ("pathlib", "tomllib", "tomli", "dataclasses", "difflib", "importlib.metadata",
         "huggingface_hub", "git", "license_expression", "hashlib")

# Drop the heavy modules the interpreter (or an editable install's import hook) already loaded, so
# that an import by modellint brings them back and shows; then run the CLI as the console script.
PROBE = """
import sys
for name in {heavy!r}:
    sys.modules.pop(name, None)
sys.argv = ["modellint", "check", sys.argv[1]]
from modellint.entry import main
try:
    main()
except SystemExit:
    pass
print("LOADED", sorted(name for name in {heavy!r} if name in sys.modules))
"""


def test_a_typical_local_scan_loads_none_of_the_heavy_modules(tmp_path):
    repo = write_repo(tmp_path / "acme-7b-chat", {
        "README.md": "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n"
                     "datasets: [acme/corpus]\n---\n# acme-7b-chat\n\n## License\n\nApache-2.0.\n",
        "LICENSE": "SPDX-License-Identifier: Apache-2.0\n\nApache License\nVersion 2.0, January 2004\n",
        "NOTICE": "acme-7b-chat\nCopyright 2026 Acme\n",
        "config.json": json.dumps({"model_type": "llama"}),
        "model.safetensors": safetensors_bytes({"format": "pt"}),
    })
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), str(repo)],
                          capture_output=True, text=True, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    loaded = [line for line in done.stdout.splitlines() if line.startswith("LOADED ")]
    assert loaded == ["LOADED []"], done.stdout
    assert "ML" in done.stdout  # the scan ran and reported (Llama base, Apache-2.0 relicensing)
