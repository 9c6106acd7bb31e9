"""What modellint never does with a scanned repository, each shown on a hostile repository."""

from __future__ import annotations

import io
import os
import pickle
import zipfile

from modellint.runner import RunOptions, lint
from tests.conftest import run_cli

CARD = "---\nlicense: mit\n---\n# m\n"


class _Payload:
    """Unpickling this writes a marker file; merely reading the bytes does nothing."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickles_are_never_unpickled(make_repo, registry, tmp_path):
    marker = tmp_path / "unpickled"
    payload = pickle.dumps(_Payload(str(marker)))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("model/data.pkl", payload)
        zf.writestr("model/version", "3")
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n",
                      "model.pkl": payload, "pytorch_model.bin": archive.getvalue(),
                      "model.joblib": payload})
    report = lint([str(repo)], RunOptions(), registry)
    assert not report.errors
    assert not marker.exists()
    proc = run_cli("facts", str(repo))
    assert proc.returncode == 0 and not marker.exists()
    assert "data.pkl" in proc.stdout  # the zip listing is read, the pickle inside is not


def test_nothing_in_the_target_is_imported(make_repo, tmp_path):
    marker = tmp_path / "imported"
    trap = f"open({str(marker)!r}, 'w').write('x')\n"
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n",
                      "yaml.py": trap, "click.py": trap, "json.py": trap, "conftest.py": trap,
                      "modellint_plugin.py": trap, "sitecustomize.py": trap, "setup.py": trap})
    # Run from inside the target, where `python -m` would put it first on sys.path.
    proc = run_cli("check", ".", cwd=repo, env={**os.environ, "PYTHONPATH": ""})
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert not marker.exists()


def test_target_config_cannot_name_code(make_repo):
    repo = make_repo({"README.md": CARD, "LICENSE": "SPDX-License-Identifier: MIT\n",
                      ".modellint.toml": '[rules.ML101]\ncheck = "os:system"\n'})
    proc = run_cli("check", str(repo))
    assert proc.returncode == 2
    assert "ML101: unknown option 'check'" in proc.stderr
    repo2 = make_repo({"README.md": CARD, ".modellint.toml": 'plugins = ["evil:run"]\n'}, name="r2")
    proc = run_cli("check", str(repo2))
    assert proc.returncode == 2 and "unknown key 'plugins'" in proc.stderr


def test_run_options_never_show_the_token():
    from modellint.sources import SourceOptions

    options = RunOptions(source=SourceOptions(token="hf_secret_value"))
    assert "hf_secret_value" not in repr(options)
    assert "token='***'" in repr(options.source)
    assert options.source.token == "hf_secret_value"  # still there for the Hub client
