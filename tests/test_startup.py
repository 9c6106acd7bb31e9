"""Start-up budget: what a local `modellint check` must not import.

A pre-commit run lasts ~0.08 s, half of it the interpreter, click and PyYAML. Each module below
costs a run between 1 and 60 ms and is needed only by some other path (a Hub target, a git
revision, a config file, a plugin, a mistake to name, the first run that parses the rule records
into modellint's cache), so a typical local scan must not load it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from modellint.testing import write_repo
from tests.conftest import run_cli
from tests.weight_writers import safetensors_bytes, torch_zip_bytes

HEAVY = ("pathlib", "tomllib", "tomli", "dataclasses", "difflib", "importlib.metadata",
         "huggingface_hub", "git", "license_expression", "hashlib", "cyclonedx",
         "spdx_python_model", "packageurl", "jsonschema", "ruamel.yaml")

# Drop the heavy modules the interpreter (or an editable install's import hook) already loaded, so
# that an import by modellint brings them back and shows; then run the CLI as the console script.
PROBE = """
import atexit, sys
for name in {heavy!r}:
    sys.modules.pop(name, None)
atexit.register(lambda: print("LOADED", sorted(name for name in {heavy!r} if name in sys.modules)))
sys.argv = ["modellint", "check", sys.argv[1]]
from modellint.entry import main
main()
"""


def probe(repo) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), str(repo)],
                          capture_output=True, text=True, check=False)


def test_a_typical_local_scan_loads_none_of_the_heavy_modules(tmp_path, monkeypatch):
    repo = write_repo(tmp_path / "acme-7b-chat", {
        "README.md": "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n"
                     "datasets: [acme/corpus]\n---\n# acme-7b-chat\n\n## License\n\nApache-2.0.\n",
        "LICENSE": "SPDX-License-Identifier: Apache-2.0\n\nApache License\nVersion 2.0, January 2004\n",
        "NOTICE": "acme-7b-chat\nCopyright 2026 Acme\n",
        "config.json": json.dumps({"model_type": "llama"}),
        "model.safetensors": safetensors_bytes({"format": "pt"}),
        "pytorch_model.bin": torch_zip_bytes(),  # a zip checkpoint: its directory is listed
    })
    # The first run with an empty cache parses the rule records (tomllib) and caches them.
    monkeypatch.setenv("MODELLINT_CACHE_DIR", str(tmp_path / "cache"))
    cold = probe(repo)
    assert "'tomllib'" in cold.stdout.splitlines()[-1], cold.stdout
    assert len(list((tmp_path / "cache" / "records").glob("*.marshal"))) == 3  # specs, licenses, data
    done = probe(repo)
    report = [line for line in done.stdout.splitlines() if not line.startswith("LOADED ")]
    assert report == cold.stdout.splitlines()[:-1]  # the same report from the copies
    assert "Traceback" not in done.stderr, done.stderr
    loaded = [line for line in done.stdout.splitlines() if line.startswith("LOADED ")]
    assert loaded == ["LOADED []"], done.stdout
    assert done.returncode == 1, done.stdout  # the scan ran and reported (Apache-2.0 on a Llama base)


# ---- the entry point's fast exit ------------------------------------------------------------

def test_exit_codes_and_output_survive_the_fast_exit(tmp_path):
    clean = write_repo(tmp_path / "clean", {"README.md": "---\nlicense: mit\n---\n# m\n"})
    done = run_cli("check", "--select", "ML101", str(clean))
    assert (done.returncode, done.stderr) == (0, "")
    done = run_cli("check", "--select", "ML201", "--format", "json", str(clean))
    assert done.returncode == 1
    assert [f["code"] for f in json.loads(done.stdout)["findings"]] == ["ML201"]
    out = tmp_path / "report.json"  # a file written through --output is complete
    done = run_cli("check", "--select", "ML201", "--format", "json", "-o", str(out), str(clean))
    assert done.returncode == 1 and json.loads(out.read_text())["findings"][0]["code"] == "ML201"
    done = run_cli("check", str(tmp_path / "missing"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_closed_pipe_is_exit_2_without_a_traceback():
    proc = subprocess.Popen([sys.executable, "-m", "modellint", "rules"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # before the rules table is written: writing or flushing it fails
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert b"Traceback" not in err


def test_exit_now_runs_exit_handlers_and_keeps_sys_exit_semantics():
    code = ("import atexit, sys; from modellint.entry import exit_now\n"
            "atexit.register(lambda: print('handler ran'))\n"
            "print('output', end=' ')\n"
            "exit_now(sys.argv[1] if sys.argv[1] == 'message' else int(sys.argv[1]))")
    done = subprocess.run([sys.executable, "-c", code, "3"], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (3, "output handler ran\n")
    done = subprocess.run([sys.executable, "-c", code, "message"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (1, "message\n")
