"""declared() and coverage(): what the card and the files say about licenses."""

from __future__ import annotations

import subprocess
import sys

import pytest

from modellint.facts import extract
from modellint.licensing import coverage, declared, mentions
from modellint.sources import SourceOptions, open_target


def facts_for(make_repo, files):
    return extract(open_target(str(make_repo(files)), SourceOptions()))


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
def test_declared(make_repo, front, expected):
    facts = facts_for(make_repo, card(front))
    got = [(d.form, d.id, d.field) for d in declared(facts)]
    assert got == expected


def test_declared_expression_is_normalised(make_repo):
    facts = facts_for(make_repo, card("license: mit and apache-2.0"))
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


def test_coverage_from_scoped_license_files(make_repo):
    facts = facts_for(make_repo, {
        **card("license: other\nlicense_name: deepseek\nlicense_link: LICENSE-MODEL"),
        "LICENSE-CODE": "SPDX-License-Identifier: MIT\n",
        "LICENSE-MODEL": "SPDX-License-Identifier: LicenseRef-scancode-deepseek-la-1.0\n",
    })
    cov = coverage(facts)
    assert [s.license.id for s in cov.for_component("code")] == ["mit"]
    assert [s.license.id for s in cov.for_component("weights")] == ["deepseek-license"]
    # nothing says what covers the data: the card's license speaks for the whole repository
    assert [(s.license.id, s.source) for s in cov.for_component("data")] == \
        [("deepseek-license", "card-metadata")]


def test_coverage_from_card_license_section(make_repo):
    body = ("# Model\n\nText.\n\n## License\n\n"
            "The code in this repository is released under the MIT License, and the model weights "
            "are under the Llama 3.1 Community License Agreement.\n"
            "The training data is CC-BY-4.0.\n")
    facts = facts_for(make_repo, card("license: other\nlicense_name: llama3.1", body))
    scoped = {c: [(s.license.id, s.line) for s in items]
              for c, items in coverage(facts).scoped().items()}
    assert scoped == {"code": [("mit", 11)], "weights": [("llama3.1", 11)],
                      "data": [("cc-by-4.0", 12)]}


def test_coverage_pairs_licenses_with_the_component_named_before(make_repo):
    body = "## Licensing\n\nThe code is Apache-2.0, the weights are CC-BY-NC-4.0.\n"
    facts = facts_for(make_repo, card("license: cc-by-nc-4.0", body))
    scoped = {c: [s.license.id for s in items] for c, items in coverage(facts).scoped().items()}
    assert scoped == {"code": ["apache-2.0"], "weights": ["cc-by-nc-4.0"]}


def test_license_section_without_components_adds_nothing(make_repo):
    body = "## License\n\nThis is released under apache-2.0; see LICENSE for details.\n"
    facts = facts_for(make_repo, card("license: apache-2.0", body))
    assert coverage(facts).scoped() == {}


def test_mentions_ignore_common_words():
    assert mentions("Other models, unknown data, cc me, see the BSD port") == []
    assert [lic.id for _, _, lic in mentions("under Apache 2.0 and the Gemma Terms of Use")] == \
        ["apache-2.0", "gemma"]
