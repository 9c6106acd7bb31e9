"""declared(): what the card's license fields say."""

from __future__ import annotations

import subprocess
import sys

import pytest

from modellint.licensing import declared


def card(front: str, body: str = "") -> dict[str, str]:
    return {"README.md": f"---\n{front}\n---\n{body}"}


@pytest.mark.parametrize("front,expected", [
    ("license: apache-2.0", [("hub-id", "apache-2.0", "license")]),
    ("license: Apache-2.0", [("hub-id", "apache-2.0", "license")]),
    ("license: MIT OR Apache-2.0", [("spdx", "mit", "license"), ("spdx", "apache-2.0", "license")]),
    ("license: GPL-3.0-or-later", [("spdx", "gpl-3.0", "license")]),
    ("license: LicenseRef-acme-1.0", [("spdx", None, "license")]),
    ("license: LicenseRef-scancode-gemma-tou-2024-04-01", [("spdx", "gemma", "license")]),
    ("license: [mit, llama3.2]", [("hub-id", "mit", "license"), ("hub-id", "llama3.2", "license")]),
    ("license: Apache 2.0", [("alias", "apache-2.0", "license")]),
    ("license: my own terms", [("invalid", None, "license")]),
    ("license: unknown", [("unknown", "unknown", "license")]),
    ("license: other\nlicense_name: tongyi-qianwen", [("other", "tongyi-qianwen", "license_name")]),
    ("license: other\nlicense_name: deepseek\nlicense_link: LICENSE-MODEL",
     [("other", "deepseek-license", "license_name")]),
    ("license: other\nlicense_name: mrl\nlicense_link: https://mistral.ai/licenses/MRL-0.1.md",
     [("other", "mistral-research", "license_name")]),
    ("license: other\nlicense_name: codestral\nlicense_link: https://mistral.ai/licenses/MNPL-0.1.md",
     [("other", "mistral-non-production", "license_link")]),
    ("license: other\nlicense_name: google-gemma-terms-of-use",
     [("other", "gemma", "license_name")]),
    ("license: other\nlicense_name: acme-1.0\nlicense_link: LICENSE", [("other", None, "license")]),
    ("license: 42", []),
    ("license: ''", []),
])
def test_declared(make_facts, front, expected):
    facts = make_facts(card(front))
    got = [(d.form, d.id, d.field) for d in declared(facts)]
    assert got == expected


def test_declared_expression_is_normalised(make_facts):
    facts = make_facts(card("license: mit and apache-2.0"))
    assert {d.expression for d in declared(facts)} == {"MIT AND Apache-2.0"}


def test_plain_ids_do_not_import_license_expression(tmp_path):
    readme = "---\nlicense: [llama3.1, other]\nlicense_name: qwen\n---\n"
    (tmp_path / "README.md").write_text(readme)
    code = ("import sys; from modellint.facts import extract;"
            "from modellint.licensing import declared;"
            "from modellint.sources import SourceOptions, open_target;"
            f"snap = open_target({str(tmp_path)!r}, SourceOptions());"
            "print([d.id for d in declared(extract(snap))]);"
            "print('license_expression' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["['llama3.1', 'qwen-license']", "False"]




@pytest.mark.parametrize("link", [
    "https://www.bigcode-project.org/docs/pages/bigcode-openrail/",
    "http://www.bigcode-project.org/docs/pages/bigcode-openrail",
])
def test_license_link_matches_a_record_url_with_or_without_its_slash(link):
    from modellint.licensing import license_from_link

    lic = license_from_link(link)
    assert lic is not None and lic.id == "bigcode-openrail-m"
