"""Path classification: which files licensing looks at, and as what."""

from __future__ import annotations

import pytest

from modellint.classify import classify


@pytest.mark.parametrize("path,role,scope", [
    ("README.md", "card", None),
    ("LICENSE", "license", None),
    ("LICENSE.md", "license", None),
    ("LICENSE.llama3", "license", None),
    ("LICENSE-MODEL", "license", "weights"),
    ("LICENSE_CODE.txt", "license", "code"),
    ("llama3_license.txt", "license", None),
    ("LICENSES/Apache-2.0.txt", "license", None),
    # Names model repositories give their license files.
    ("GEMMA_TERMS_OF_USE.txt", "license", None),
    ("Gemma Terms of Use.pdf", "license", None),
    ("terms-of-use.md", "license", None),
    ("MODEL_LICENSE", "license", "weights"),
    ("MODEL_LICENSE_AGREEMENT.txt", "license", "weights"),
    ("LICENSE_MODEL", "license", "weights"),
    ("LICENSE_WEIGHTS.md", "license", "weights"),
    ("LICENSE_QWEN", "license", None),
    ("weights/LICENSE-llama3.txt", "license", None),
    ("MODEL_EULA.md", "license", "weights"),
    ("terms_of_use.py", None, None),
    ("NOTICE", "notice", None),
    ("USE_POLICY.md", "policy", None),
    ("CHANGELOG.md", "changelog", None),
    ("config.json", "config", None),
    ("model.safetensors", "weights", None),
    ("model.safetensors.index.json", "weights-index", None),
    # Code, data and images named after licenses hold no license text.
    ("license_utils.py", None, None),
    ("src/check_license.py", None, None),
    ("LICENSE.png", None, None),
    ("model_license.json", None, None),
    ("docs/license-notes.yaml", None, None),
])
def test_classify(path, role, scope):
    got = classify(path)
    assert (got.role, got.scope) == (role, scope)


@pytest.mark.parametrize("path", ["docs/license_header.txt", "LICENSE-HEADER", "license_template.md",
                                  "LICENSE.tmpl", "scripts/license-boilerplate.txt"])
def test_a_template_naming_a_license_is_not_a_license_file(path):
    assert classify(path).role is None
