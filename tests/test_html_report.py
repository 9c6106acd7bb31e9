"""The HTML audit report: self-contained, escaped, the JSON report's numbers, and (where a
Chromium is installed) opened in a real headless browser: charts drawn, no script error, the
table sorts and filters."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from modellint.cli import main

MODELS = {
    "a-model": "---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n---\n# A\n",
    "b-model": "---\nlicense: mit\n---\n# B\n",
    "c-model": "---\nlicense: other\n---\n# C\n",
    "d-model": "# D, no metadata\n",
    "e-model": "---\nlicense: \"<img src=x onerror=alert(1)>\"\n---\n# E\n",
}


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture
def audit(make_repo, tmp_path):
    folders = [str(make_repo({"README.md": text}, name)) for name, text in MODELS.items()]
    runner = CliRunner()
    report = json.loads(runner.invoke(main, ["check", *folders, "--format", "json"]).stdout)
    page = tmp_path / "report.html"
    result = runner.invoke(main, ["check", *folders, "--format", "html", "-o", str(page)])
    assert result.exit_code == 1
    return report, page


class Figures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.external: list[tuple[str, str]] = []
        self._figure: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._figure = attrs.get("data-figure")
        for key in ("src", "href"):
            value = attrs.get(key)
            if value and not value.startswith("#"):
                self.external.append((tag, value))
        if tag == "link":
            self.external.append((tag, str(attrs)))

    def handle_data(self, data):
        if self._figure:
            self.figures[self._figure] = data
            self._figure = None


def test_html_shows_the_json_reports_numbers_and_fetches_nothing(audit):
    report, page = audit
    html = page.read_text()
    parser = Figures()
    parser.feed(html)
    assert parser.external == []  # no script, style, image or font from anywhere
    summary = report["summary"]
    assert parser.figures["targets"] == str(len(report["targets"])) == "5"
    assert parser.figures["errors"] == str(summary["error"])
    assert parser.figures["warnings"] == str(summary["warning"])
    assert parser.figures["info"] == str(summary["info"])
    assert parser.figures["cards-without-license-metadata"] == "1"  # d-model
    assert parser.figures["other-without-name-or-link"] == "1"  # c-model
    assert parser.figures["derivatives"] == "1"
    assert parser.figures["derivatives-conflicting-with-a-base"] == "1"  # apache-2.0 <- llama3.1
    assert re.search(r"<td>apache-2.0</td><td>llama3.1</td><td>1</td>", html)
    data = json.loads(re.search(r'<script type="application/json" id="audit-data">(.*?)</script>',
                                html, re.S).group(1))
    assert sum(r["error"] + r["warning"] + r["info"] for r in data["rules"]) == (
        summary["error"] + summary["warning"] + summary["info"])
    assert data["relations"] == [{"relation": "finetune", "derivatives": 1, "conflicts": 1}]
    assert data["pairs"] == [{"derivative": "apache-2.0", "base": "llama3.1", "count": 1}]
    # each finding of the JSON report is linked from the targets table
    for n, target in enumerate(t["target"] for t in report["targets"]):
        mine = [f for f in report["findings"] if f["target"] == target and not f["suppressed"]]
        for j in range(len(mine)):
            assert f'href="#t{n}-f{j}"' in html and f'id="t{n}-f{j}"' in html


def test_target_text_is_escaped(audit):
    _, page = audit
    html = page.read_text()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


_HARNESS = """<!DOCTYPE html><html><body><pre id="out">pending</pre>
<iframe id="r" src="REPORT" width="1200" height="800"></iframe>
<script>
var f = document.getElementById('r');
f.onload = function () {
  var d = f.contentDocument, out = {};
  out.drawn = d.body.getAttribute('data-drawn');
  out.svgs = d.querySelectorAll('svg').length;
  out.ruleBars = Array.prototype.map.call(
    d.querySelectorAll('#chart-rules .bar-value'), function (t) { return Number(t.textContent); });
  out.edges = d.querySelectorAll('#lineage-graph .edge').length;
  var th = d.querySelectorAll('#targets-table th')[4];  // error column
  th.click(); th.click();  // ascending, then descending
  out.mostErrors = d.querySelector('#targets-table tbody tr').cells[0].textContent;
  var input = d.getElementById('filter');
  input.value = 'b-model';
  input.dispatchEvent(new Event('input'));
  out.shown = d.getElementById('shown').textContent;
  document.getElementById('out').textContent = JSON.stringify(out);
};
</script></body></html>"""


def test_report_in_a_real_headless_browser(audit, tmp_path):
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    report, page = audit
    harness = tmp_path / "harness.html"
    harness.write_text(_HARNESS.replace("REPORT", page.name))
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
         "--user-data-dir=" + str(tmp_path / "profile"), "--dump-dom", harness.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    match = re.search(r'<pre id="out">(.*?)</pre>', proc.stdout, re.S)
    assert match and match.group(1) != "pending", proc.stdout[:2000]
    seen = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert seen["drawn"] == "yes"
    assert seen["svgs"] >= 4  # components, rules, relations, lineage
    summary = report["summary"]
    assert sum(seen["ruleBars"]) == summary["error"] + summary["warning"] + summary["info"]
    assert seen["edges"] == 1
    errors = {t["target"]: sum(1 for f in report["findings"] if f["target"] == t["target"]
                               and f["severity"] == "error" and not f["suppressed"])
              for t in report["targets"]}
    assert errors[seen["mostErrors"]] == max(errors.values())
    assert seen["shown"] == "1 of 5 shown"
    console = [line for line in proc.stderr.splitlines()
               if "CONSOLE" in line or "Uncaught" in line or "Refused to" in line]
    assert console == []
