"""The HTML audit report: one self-contained file (no network, no external script, font or image).

The numbers are written into the page as HTML tables, so they read without JavaScript; the audit's
figures are also embedded as JSON, from which a small inline script draws the charts as SVG (license
distribution per component, findings by rule and severity, derivative conflicts by relation), lays
out the lineage graph, and makes the targets table sortable and filterable. Every piece of target
text is escaped; the embedded JSON cannot close its script element.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any, TextIO

from modellint import __version__
from modellint.auditstats import AuditStats, Row
from modellint.outcome import TargetOutcome

SEVERITIES = ("error", "warning", "info")


def _e(value: object) -> str:
    text = "" if value is None else str(value)
    # Control characters from a target never reach the page raw.
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" for ch in text)
    return escape(text, quote=True)


def _json_for_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def render_audit(outcomes: Iterable[TargetOutcome], rules: Mapping[str, Any], out: TextIO, *,
                 run_id: int | None = None, registry_errors: Sequence[Any] = (),
                 title: str = "modellint audit") -> AuditStats:
    stats = AuditStats().add_all(outcomes)
    data = stats.summary()
    w = out.write
    w("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
    w("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
    # No network: the policy forbids every fetch; the inline style and script are the page's own.
    w("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
    w(f"<title>{_e(title)}</title>\n<style>{_asset('html_report.css')}</style></head><body>\n")
    generated = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    run = f", store run {run_id}" if run_id is not None else ""
    w(f"<header><h1>{_e(title)}</h1><p>modellint {_e(__version__)}, {generated}{run}</p></header>\n")
    _overview(w, stats)
    _components(w, stats)
    _rules(w, stats)
    _derivatives(w, stats)
    _lineage(w, stats)
    _targets(w, stats.rows, stats.rows_dropped)
    if registry_errors:
        w("<section><h2>Errors</h2><ul>")
        for err in registry_errors:
            w(f"<li>{_e(getattr(err, 'message', err))}</li>")
        w("</ul></section>\n")
    w(f"<script type=\"application/json\" id=\"audit-data\">{_json_for_script(data)}</script>\n")
    w(f"<script>{_asset('html_report.js')}</script>\n</body></html>\n")
    return stats


def _overview(w: Any, s: AuditStats) -> None:
    w("<section id=\"overview\"><h2>Overview</h2><table class=\"figures\"><tbody>")
    figures = [
        ("targets", s.targets, ""), ("failed to open", s.failed, ""),
        ("errors", s.severity.get("error", 0), ""), ("warnings", s.severity.get("warning", 0), ""),
        ("info", s.severity.get("info", 0), ""), ("suppressed", s.suppressed, ""),
        ("cards without license metadata", s.no_license, _pct(s.no_license, s.with_card)),
        ("`other` without name or link", s.other_unnamed, _pct(s.other_unnamed, s.other)),
        ("derivatives", sum(s.derivatives.values()), ""),
        ("derivatives conflicting with a base", sum(s.conflicts.values()),
         _pct(sum(s.conflicts.values()), sum(s.derivatives.values()))),
        ("audited from partial information", s.notes, ""),
    ]
    for label, value, share in figures:
        key = label.replace(" ", "-").replace("`", "")
        w(f"<tr><th>{_e(label)}</th><td data-figure=\"{_e(key)}\">{value}</td>"
          f"<td>{_e(share)}</td></tr>")
    w("</tbody></table></section>\n")


def _components(w: Any, s: AuditStats) -> None:
    w("<section id=\"licenses\"><h2>License distribution per component</h2>"
      "<div class=\"chart\" id=\"chart-components\"></div>")
    for component, rows in sorted(s.components().items()):
        w(f"<h3>{_e(component)}</h3><table class=\"data\"><thead><tr><th>license</th>"
          "<th>targets</th></tr></thead><tbody>")
        for lic, n in rows[:50]:
            w(f"<tr><td>{_e(lic)}</td><td>{n}</td></tr>")
        if len(rows) > 50:
            w(f"<tr><td>{len(rows) - 50} more licenses</td><td>"
              f"{sum(n for _, n in rows[50:])}</td></tr>")
        w("</tbody></table>")
    w("</section>\n")


def _rules(w: Any, s: AuditStats) -> None:
    w("<section id=\"rules\"><h2>Findings by rule and severity</h2>"
      "<div class=\"chart\" id=\"chart-rules\"></div><table class=\"data\"><thead><tr>"
      "<th>rule</th><th>name</th><th>error</th><th>warning</th><th>info</th></tr></thead><tbody>")
    for code in sorted({c for c, _ in s.by_rule}):
        cells = "".join(f"<td>{s.by_rule.get((code, sev), 0)}</td>" for sev in SEVERITIES)
        w(f"<tr><td>{_e(code)}</td><td>{_e(s.rule_names.get(code, ''))}</td>{cells}</tr>")
    w("</tbody></table></section>\n")


def _derivatives(w: Any, s: AuditStats) -> None:
    w("<section id=\"derivatives\"><h2>Derivative conflicts by relation</h2>"
      "<div class=\"chart\" id=\"chart-relations\"></div><table class=\"data\"><thead><tr>"
      "<th>relation</th><th>derivatives</th><th>conflicting with a base (ML502)</th>"
      "<th>rate</th></tr></thead><tbody>")
    for relation, n in s.derivatives.most_common():
        c = s.conflicts.get(relation, 0)
        w(f"<tr><td>{_e(relation)}</td><td>{n}</td><td>{c}</td><td>{_pct(c, n)}</td></tr>")
    w("</tbody></table><h3>Top conflicts (derivative license &larr; base license)</h3>"
      "<table class=\"data\"><thead><tr><th>derivative license</th><th>base license</th>"
      "<th>derivatives</th></tr></thead><tbody>")
    for (own, base), n in s.pairs.most_common(20):
        w(f"<tr><td>{_e(own)}</td><td>{_e(base)}</td><td>{n}</td></tr>")
    w("</tbody></table></section>\n")


def _lineage(w: Any, s: AuditStats) -> None:
    w("<section id=\"lineage\"><h2>Lineage of the audited models</h2>"
      "<p class=\"note\">Each arrow goes from a base model to the audited model built on it; red "
      "marks a derivative whose license conflicts with a base.")
    if s.edges_dropped:
        w(f" The first {len(s.edges)} edges are drawn; {s.edges_dropped} more are not.")
    w("</p><div class=\"graph\" id=\"lineage-graph\"></div></section>\n")


def _targets(w: Any, rows: list[Row], dropped: int) -> None:
    w("<section id=\"targets\"><h2>Targets</h2><p><input id=\"filter\" type=\"search\" "
      "placeholder=\"filter: text in any column\" aria-label=\"filter targets\"> "
      "<label><input type=\"checkbox\" id=\"only-findings\"> only targets with findings</label> "
      "<span id=\"shown\"></span></p>")
    if dropped:
        w(f"<p class=\"note\">The table lists the first {len(rows)} targets; {dropped} more are "
          "counted in the figures above but not listed.</p>")
    w("<table class=\"data sortable\" id=\"targets-table\"><thead><tr>"
      "<th data-type=\"text\">target</th><th data-type=\"text\">declared</th>"
      "<th data-type=\"text\">licenses per component</th><th data-type=\"text\">relation</th>"
      "<th data-type=\"num\">error</th><th data-type=\"num\">warning</th>"
      "<th data-type=\"num\">info</th><th data-type=\"text\">findings</th></tr></thead><tbody>")
    for i, r in enumerate(rows):
        links = " ".join(f"<a href=\"#t{i}-f{j}\" class=\"sev-{_e(sev)}\">{_e(code)}</a>"
                         for j, (code, sev, *_) in enumerate(r.findings))
        if r.failed:
            links = f"<span class=\"failed\">failed: {_e(r.failed)}</span>"
        at = f" <code class=\"commit\">@ {_e(r.revision[:12])}</code>" if r.revision else ""
        w(f"<tr id=\"t{i}\"><td><a href=\"#t{i}-findings\">{_e(r.target)}</a>{at}</td>"
          f"<td>{_e(r.declared)}</td><td>{_e(r.licenses)}</td><td>{_e(r.relation or '')}</td>"
          f"<td>{r.error}</td><td>{r.warning}</td><td>{r.info}</td><td>{links}</td></tr>")
    w("</tbody></table><h3>Findings per target</h3>")
    for i, r in enumerate(rows):
        if not (r.findings or r.notes or r.failed):
            continue
        w(f"<details id=\"t{i}-findings\"><summary>{_e(r.target)} "
          f"({r.error} error, {r.warning} warning, {r.info} info)</summary><ul>")
        for note in r.notes:
            w(f"<li class=\"note\">{_e(note)}</li>")
        for j, (code, sev, message, path, line) in enumerate(r.findings):
            where = f"{path}:{line}" if path and line else (path or "(repository)")
            w(f"<li id=\"t{i}-f{j}\"><span class=\"sev-{_e(sev)}\">{_e(code)} {_e(sev)}</span> "
              f"<code>{_e(where)}</code> {_e(message)}</li>")
        w("</ul></details>")
    w("</section>\n")


def _asset(name: str) -> str:
    """The report's own stylesheet and script, shipped beside this module and inlined."""
    import os

    with open(os.path.join(os.path.dirname(__file__), name), encoding="utf-8") as fh:
        return fh.read()
