"""The `modellint init` session: read the repository, ask, recommend, write, then check."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from modellint.chooser.questions import (
    BY_KEY,
    QUESTIONS,
    AnswerError,
    Answers,
    build,
    normalize,
)
from modellint.chooser.recommend import BaseTerms, Fit, Recommendation, recommend
from modellint.knowledge import License, load_kb

Echo = Callable[[str], None]
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class InitError(Exception):
    """Stops `init` with one line on stderr (exit 2)."""


class Session:
    """What the command line hands to ``run``: the target, the answers given so far and how to
    talk to the user."""

    def __init__(self, target: str, given: dict[str, Any], *, wanted: str | None = None,
                 license_file: str | None = None, offline: bool = False, diff: bool = False,
                 yes: bool = False, interactive: bool = False, echo: Echo = print,
                 ask: Callable[[str, str], str] | None = None,
                 confirm: Callable[[str], bool] | None = None) -> None:
        self.target = target
        self.given = given
        self.wanted = wanted
        self.license_file = license_file
        self.offline = offline
        self.diff = diff
        self.yes = yes
        self.interactive = interactive
        self.echo = echo
        self.ask = ask
        self.confirm = confirm


def check_target(target: str) -> None:
    """init edits a working tree: refuse what is not one."""
    from modellint.edit import EditError, check_working_tree

    try:
        check_working_tree(target)
    except EditError as exc:
        raise InitError(str(exc)) from None


def bases_of(facts: Any) -> list[BaseTerms]:
    kb = load_kb()
    out = []
    for base in facts.lineage.direct:
        records = [kb.resolve(v) for v in base.licenses]
        known = [r for r in records if r is not None and r.kind != "meta"]
        out.append(BaseTerms(base.model_id, known[0] if known else None, tuple(base.licenses)))
    return out


def collect_answers(session: Session) -> tuple[Answers, list[str]]:
    """Answers from the answers file and flags, then the terminal; the keys left at defaults."""
    raw: dict[str, str] = {}
    for key, value in session.given.items():
        if value is None:
            continue
        try:
            raw[key] = normalize(key, value)
        except AnswerError as exc:
            raise InitError(str(exc)) from None
    assumed = []
    for question in QUESTIONS:
        if question.key in raw:
            continue
        if session.interactive and session.ask is not None:
            while True:
                choices = f" [{'/'.join(question.choices)}]" if question.choices else ""
                reply = session.ask(f"{question.prompt}{choices}", question.default)
                try:
                    raw[question.key] = normalize(question.key, reply)
                    break
                except AnswerError as exc:
                    session.echo(f"  {exc}")
        elif question.default:
            assumed.append(f"{question.key}={question.default}")
    return build(raw), assumed


def run(session: Session) -> int:
    from modellint.chooser.plan import existing_text, plan_init
    from modellint.chooser.texts import find_text
    from modellint.edit import EditError
    from modellint.facts import extract
    from modellint.snapshot import SourceError
    from modellint.sources.local import open_local

    check_target(session.target)
    try:
        facts = extract(open_local(session.target))
    except SourceError as exc:
        raise InitError(f"{session.target}: {exc}") from None
    echo = session.echo
    bases = bases_of(facts)
    if bases:
        echo("Base models: " + ", ".join(
            f"{b.model_id} ({b.license.id if b.license else 'license unknown'})" for b in bases))
    answers, assumed = collect_answers(session)
    if assumed:
        echo("Assumed (not answered): " + ", ".join(assumed))
    kb = load_kb()
    if session.wanted and kb.resolve(session.wanted) is None:
        from modellint.config import did_you_mean

        raise InitError(f"unknown license {session.wanted!r}"
                        f"{did_you_mean(session.wanted.lower(), [r.id for r in kb.all()])}")
    rec = recommend(answers, bases, kb, session.wanted)
    show_recommendation(rec, echo)
    if rec.best is None:
        return EXIT_FINDINGS
    lic = rec.best.license
    inherited = _inherited(bases, lic)
    try:
        text = None if existing_text(facts, lic) and not session.license_file else find_text(
            lic, [b.model_id for b in bases if b.license is not None and b.license.id == lic.id],
            session.offline, session.license_file)
    except ValueError as exc:
        raise InitError(str(exc)) from None
    try:
        plan = plan_init(session.target, facts, lic, answers, text, inherited)
    except EditError as exc:
        raise InitError(str(exc)) from None
    echo("")
    echo("Changes:")
    for line in plan.messages:
        echo(f"  {line}")
    if plan.placeholder:
        echo(f"  No legitimate source of the {lic.id} text was reachable: LICENSE is a marked "
             "placeholder; put the official text there (or rerun with --license-file).")
    if session.diff:
        echo("")
        echo(plan.changes.diff().rstrip("\n"))
        return EXIT_CLEAN
    if session.interactive and not session.yes and session.confirm is not None:
        if not session.confirm("Write these files?"):
            echo("Nothing written.")
            return EXIT_CLEAN
    try:
        written = plan.changes.apply()
    except EditError as exc:
        raise InitError(str(exc)) from None
    echo(f"Wrote {', '.join(written)}.")
    return final_check(session.target, echo)


def _inherited(bases: list[BaseTerms], lic: License) -> list[License]:
    """Base licenses other than the chosen one whose duties still reach the derivative."""
    out: dict[str, License] = {}
    for base in bases:
        if base.license is not None and base.license.id != lic.id:
            out.setdefault(base.license.id, base.license)
    return list(out.values())


def final_check(target: str, echo: Echo) -> int:
    """`modellint check TARGET` as it would run: its report, and 0 when it finds nothing."""
    import io

    from modellint.registry import load_registry
    from modellint.reporters import get as get_reporter
    from modellint.runner import RunOptions, lint

    registry = load_registry()
    report = lint([target], RunOptions(), registry)
    echo("")
    echo(f"modellint check {target}:")
    out = io.StringIO()
    get_reporter("text")(report, registry.rules, out, color=False)
    echo(out.getvalue().rstrip("\n"))
    return EXIT_FINDINGS if report.active() or report.errors else EXIT_CLEAN


def show_recommendation(rec: Recommendation, echo: Echo) -> None:
    from modellint.license_info import owed

    def items(mark: str, lines: tuple[str, ...] | list[str], indent: int = 4) -> None:
        for line in lines:
            echo(textwrap.fill(line, 96, initial_indent=" " * indent + mark + " ",
                               subsequent_indent=" " * (indent + 2), break_on_hyphens=False))

    for note in rec.notes:
        echo(textwrap.fill(note, 96, subsequent_indent="  ", break_on_hyphens=False))
    if rec.best is None:
        for line in rec.blocked:
            echo(textwrap.fill(f"No license can be recommended: {line}", 96, subsequent_indent="  ",
                               break_on_hyphens=False))
        return
    best = rec.best
    echo("")
    echo(f"Recommended: {best.license.id} ({best.license.name})")
    echo("  Why:")
    items("+", best.reasons)
    if best.conflicts or best.tradeoffs or best.caveats:
        echo("  Trade-offs:")
        items("!", best.conflicts)
        items("-", best.tradeoffs + best.caveats)
    echo("  What those who share the model owe:")
    items("*", [o.replace("\n", " ") for o in owed(best.license)])
    if rec.alternatives:
        echo("")
        echo("Alternatives:")
        for alt in rec.alternatives:
            _alternative(alt, items, echo)
    echo("")
    echo("Compare two licenses: modellint license --compare "
         f"{best.license.id} {rec.alternatives[0].license.id if rec.alternatives else 'ID'}")


def _alternative(alt: Fit, items: Callable[..., None], echo: Echo) -> None:
    echo(f"  {alt.license.id} ({alt.license.name})")
    items("+", alt.reasons[:2])
    items("!", alt.conflicts)
    items("-", (alt.tradeoffs + alt.caveats)[:3])


__all__ = ["BY_KEY", "InitError", "Session", "check_target", "run"]
