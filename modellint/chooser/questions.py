"""What `modellint init` asks, in plain words, and how the answers are read.

Every question has a flag of the same name and a key in an answers file (TOML), so a run can be
fully scripted; on a terminal the questions not answered that way are asked. Unanswered questions
take their default, and the output says which defaults were assumed.
"""

from typing import Any, NamedTuple

RELEASE_PARTS = ("weights", "architecture", "training-code", "inference-code", "training-data",
                 "data-info")


class Question(NamedTuple):
    key: str
    prompt: str
    choices: tuple[str, ...]  # allowed answers; () for free text
    default: str
    help: str  # one line shown with --help and on the terminal
    multiple: bool = False  # a comma-separated list of choices


QUESTIONS: tuple[Question, ...] = (
    Question("release", "What will you publish? (comma-separated)", RELEASE_PARTS,
             "weights,architecture,inference-code",
             "weights, architecture (config), training-code, inference-code, training-data, "
             "data-info (a description of the training data)", multiple=True),
    Question("commercial", "May others use the model commercially?", ("yes", "no"), "yes",
             "no: only non-commercial use is allowed"),
    Question("restrict_use", "Do you want to forbid some uses (for example surveillance or "
             "disinformation), binding everyone downstream?", ("yes", "no"), "no",
             "yes: a responsible-AI license whose use restrictions travel with the model"),
    Question("hosted", "Should the license say explicitly what people who offer the model as a "
             "hosted service (an API or a web app) owe?", ("yes", "no"), "no",
             "yes: prefer a license with terms written for hosted services"),
    Question("outputs", "Should people be free to use what the model generates as they see fit?",
             ("yes", "no"), "yes", "no: outputs may only be used within the license's limits"),
    Question("changes", "Must people who change the model say what they changed?", ("yes", "no"),
             "no", "yes: modified copies carry a note of the changes"),
    Question("patents", "Should the license grant patent rights expressly (ending them for "
             "whoever sues over patents)?", ("yes", "no"), "yes",
             "no: a license without an express patent grant is acceptable"),
    Question("familiar", "Do you prefer a well-known software license (Apache-2.0 or MIT) with a "
             "statement that it covers the weights, over a license written for models?",
             ("yes", "no"), "no", "yes: Apache-2.0 or MIT, with the weights named in the card"),
    Question("language", "In which language(s) must the license text be authoritative?",
             ("en", "zh+en"), "en", "zh+en: a bilingual Chinese and English license"),
    Question("holder", "Who holds the rights in the model (for copyright lines)?", (), "",
             "a person or an organisation; left out when empty"),
)
BY_KEY = {q.key: q for q in QUESTIONS}


class Answers(NamedTuple):
    """The publisher's intent, as the recommendation reads it."""

    release: tuple[str, ...] = ("weights", "architecture", "inference-code")
    commercial: bool = True
    restrict_use: bool = False
    hosted: bool = False
    outputs_free: bool = True
    changes: bool = False
    patents: bool = True
    familiar: bool = False
    bilingual: bool = False
    holder: str = ""


class AnswerError(Exception):
    """An answer that is not one of the choices; the message names the question."""


def normalize(key: str, value: Any) -> str:
    """An answer as text, checked against the question's choices."""
    question = BY_KEY.get(key)
    if question is None:
        from modellint.config import did_you_mean

        raise AnswerError(f"unknown question {key!r}{did_you_mean(key, list(BY_KEY))}")
    if isinstance(value, bool):
        value = "yes" if value else "no"
    elif isinstance(value, list):
        value = ",".join(str(v) for v in value)
    elif not isinstance(value, str):
        raise AnswerError(f"{key}: expected text, not {type(value).__name__}")
    value = value.strip()
    if not question.choices:
        return value
    items = [v.strip().lower() for v in value.split(",")] if question.multiple else [value.lower()]
    items = [v for v in items if v]
    aliases = {"true": "yes", "false": "no", "y": "yes", "n": "no"}
    items = [aliases.get(v, v) for v in items]
    bad = [v for v in items if v not in question.choices]
    if bad or not items:
        shown = bad[0] if bad else value
        raise AnswerError(f"{key}: {shown!r} is not one of {', '.join(question.choices)}")
    return ",".join(dict.fromkeys(items))


def build(raw: dict[str, str]) -> Answers:
    """Answers from normalized text answers; missing keys take the question's default."""

    def get(key: str) -> str:
        return raw.get(key, BY_KEY[key].default)

    return Answers(
        release=tuple(get("release").split(",")),
        commercial=get("commercial") == "yes",
        restrict_use=get("restrict_use") == "yes",
        hosted=get("hosted") == "yes",
        outputs_free=get("outputs") == "yes",
        changes=get("changes") == "yes",
        patents=get("patents") == "yes",
        familiar=get("familiar") == "yes",
        bilingual=get("language") == "zh+en",
        holder=get("holder"),
    )


def read_answers_file(path: str) -> dict[str, Any]:
    """The answers in a TOML file: question keys, plus `license` to take a given license."""
    from modellint.tomlcompat import tomllib

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise AnswerError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AnswerError(f"{path}: not valid TOML: {exc}") from None
    return data


__all__ = ["BY_KEY", "QUESTIONS", "RELEASE_PARTS", "AnswerError", "Answers", "Question", "build",
           "normalize", "read_answers_file"]
