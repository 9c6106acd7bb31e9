"""Small helpers shared by checks."""

from __future__ import annotations

from typing import Any

from modellint.facts import Facts
from modellint.licensing import is_url, repo_path  # noqa: F401 - re-exported for checks
from modellint.model import Location


def card_location(facts: Facts, key: str | None = None) -> Location:
    """Point at the card, at ``key``'s line in the front matter when it is there."""
    card = facts.card
    if card is None:
        return Location(None)
    if key and key in card.key_lines:
        return Location(card.path, card.key_lines[key])
    return Location(card.path, card.front_line if card.has_front_matter else None)


def card_noun(facts: Facts) -> str:
    """What a person calls the repository's card: "dataset card" or "model card"."""
    return "dataset card" if facts.is_dataset else "model card"


def subject(facts: Facts) -> str:
    """What the repository publishes: "dataset" or "model"."""
    return "dataset" if facts.is_dataset else "model"


def main_part(facts: Facts) -> str:
    """The part the card's license is chiefly about: a dataset's data, a model's weights."""
    return "data" if facts.is_dataset else "weights"


def root_license_files(facts: Facts):  # type: ignore[no-untyped-def]
    """License files that speak for the whole repo: at the root or in a top-level LICENSES/."""
    from modellint.classify import at_top, in_top_licenses_dir

    return [lf for lf in facts.license_files if at_top(lf.path) or in_top_licenses_dir(lf.path)]


def licensor_of(facts: Facts, lic: Any, own: bool) -> bool:
    """Is this repository the license holder's own release under ``lic``: ``licensor = true`` in
    the configuration (for its own terms, ``own``), or a repository of an organisation among the
    record's ``holders`` (known from the Hub id, a clone's ``origin`` or the ``repo-id`` setting)?
    The holder owes itself none of the duties it puts on redistributors."""
    return (own and facts.identity.licensor) or facts.identity.holds(lic)


def same_organisation(facts: Facts, model_id: str) -> bool:
    """Is ``model_id`` (a base model) a model of this repository's own organisation? Its maker
    changing its own model owes itself no statement of changes."""
    org = facts.identity.org
    return org is not None and "/" in model_id and model_id.split("/", 1)[0].lower() == org


# Hub tasks whose output is new content: text, images, audio, video, 3D. Tasks that label, embed,
# find, transcribe or translate what they are given are not generation.
GENERATIVE_TASKS = frozenset({
    "text-generation", "text2text-generation", "conversational", "image-text-to-text",
    "image-to-text", "visual-question-answering", "video-text-to-text", "audio-text-to-text",
    "text-to-image", "image-to-image", "unconditional-image-generation", "text-to-video",
    "image-to-video", "text-to-speech", "text-to-audio", "audio-to-audio", "text-to-3d",
    "image-to-3d", "any-to-any",
})
_GENERATIVE_TAGS = GENERATIVE_TASKS | {
    "text-generation-inference", "causal-lm", "stable-diffusion", "stable-diffusion-xl",
    "stable-diffusion-diffusers", "diffusers:stablediffusionpipeline",
    "diffusers:stablediffusionxlpipeline", "diffusers:fluxpipeline", "chat", "chatbot"}
# Tags that say the model embeds, classifies or transcribes: they outweigh a family's name.
_NOT_GENERATIVE_TAGS = frozenset({
    "sentence-similarity", "feature-extraction", "sentence-transformers", "mteb", "fill-mask",
    "text-classification", "token-classification", "image-classification", "object-detection",
    "automatic-speech-recognition", "audio-classification", "zero-shot-classification",
    "zero-shot-image-classification", "question-answering", "image-segmentation",
    "depth-estimation", "translation", "summarization", "embeddings", "reranker", "text-ranking",
    "image-feature-extraction", "time-series-forecasting", "tabular-classification",
    "tabular-regression", "reinforcement-learning", "table-question-answering",
})
_GENERATIVE_LIBRARIES = frozenset({"diffusers", "gguf", "mlx", "llama.cpp", "vllm", "mlc-llm"})
_NOT_GENERATIVE_LIBRARIES = frozenset({
    "sentence-transformers", "timm", "open_clip", "gliner", "setfit", "span-marker", "flair",
    "sklearn", "scikit-learn", "pyannote-audio", "speechbrain", "ultralytics", "colpali"})
_GENERATIVE_ARCHITECTURE = ("ForCausalLM", "LMHeadModel")


def generates_content(facts: Facts) -> str | None:
    """What says the model generates content (text, images, audio, video), or None when nothing
    does: the card's `pipeline_tag` first (any other task is not generation); else its tags and
    library (an embedding or classification tag outweighs the rest); else a causal language
    model's `config.json`, GGUF weights, or a declared base (or the repository's name) of a
    well-known family of generative models (Llama, Mistral, Qwen, Gemma, Stable Diffusion, FLUX...)."""
    meta = facts.metadata
    task = meta.get("pipeline_tag")
    if isinstance(task, str) and task.strip():
        task = task.strip().lower()
        return f"pipeline_tag `{task}`" if task in GENERATIVE_TASKS else None
    raw_tags = meta.get("tags")
    tags = {str(t).strip().lower() for t in raw_tags[:500]} if isinstance(raw_tags, list) else set()
    library = meta.get("library_name")
    library = library.strip().lower() if isinstance(library, str) else ""
    if tags & _NOT_GENERATIVE_TAGS or library in _NOT_GENERATIVE_LIBRARIES:
        return None
    generative_tags = sorted(tags & _GENERATIVE_TAGS)
    if generative_tags:
        return f"tag `{generative_tags[0]}`"
    if library in _GENERATIVE_LIBRARIES:
        return f"library `{library}`"
    for config in facts.configs.values():
        archs = config.get("architectures") if isinstance(config, dict) else None
        if isinstance(archs, list) and any(isinstance(a, str) and a.endswith(_GENERATIVE_ARCHITECTURE)
                                           for a in archs[:20]):
            return "a causal language model (config.json)"
    if any(w.format == "gguf" for w in facts.weights):
        return "GGUF weights"
    from modellint.facts.lineage_text import family_in

    for base in facts.lineage.direct:
        found = family_in(base.model_id, names_only=True) if getattr(base, "declared", True) else None
        if found is not None:
            return f"a {found[0].family} base"
    found = family_in(facts.identity.name or "", names_only=True) if facts.identity.name else None
    return f"a {found[0].family} model by its name" if found is not None else None
