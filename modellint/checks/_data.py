"""Does a card say what its model was trained on? Read for ML305, wherever the card says it.

A card documents its training data with a `datasets` list, a section about the data (under any
heading a reader would look for, Markdown or HTML, in the languages cards are written in) that is
more than a template placeholder, or prose that names the data: "fine-tuned on AudioSet", "a
fine-tuned version of X on the imdb dataset", "- dataset: opus", "trained on Wikipedia and
BookCorpus". Naming is what counts: "trained on a 3T multilingual corpus" or "on an unknown
dataset" tells a reader nothing they could look up.

Every pattern is bounded, so the scan stays linear in the card's size.
"""

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from modellint.facts import Facts
from modellint.prefilter import Prefiltered, lowered, unfolded

# Headings of a section about the data (Markdown or HTML; English and the common other languages).
_DATA_HEADING = re.compile(
    r"\btrain(?:ing)?[\s-]{0,3}(?:data|dataset|datasets|corpus|corpora|set|mixture|material)\b"
    r"|\b(?:pre-?|post-?|fine-?\s?)?train(?:ing)?[\s-]{0,3}(?:data|dataset|corpus)\b"
    r"|^\W{0,6}(?:the\s+|our\s+)?(?:data|datasets?|corpus|corpora)(?:\s+(?:list|overview|summary"
    r"|details|description|used|(?:and|&)\s+(?:training|config(?:uration)?s?|setup|preprocessing"
    r"|processing|collection|sources?)))?\W{0,4}$"
    r"|\bdata(?:sets?)?\s{0,3}(?:sources?|information|info|card|collection|mixture|composition|details"
    r"|description|statement)\b"
    r"|\bdatasets?\s+used\b|\bdata\s+used\b|\bused\s+data(?:sets?)?\b|\bdatasets?\s+credits?\b"
    r"|训练数据|訓練數據|数据集|數據集|預訓練數據|预训练数据|学習データ|データセット|학습\s?데이터|데이터셋"
    r"|trainingsdaten|datos\s+de\s+entrenamiento|donn[ée]es\s+d.entra[iî]nement|dados\s+de\s+treino"
    r"|dati\s+di\s+addestramento|обучающ\w{0,4}\s+(?:данн|выборк)|датасет",
    re.I)
# An ASCII heading can match _DATA_HEADING only through an alternative holding one of these
# (ASCII letters lower-case exactly): a heading without them is not searched.
_DATA_HEADING_WORDS = ("train", "data", "corp", "datos", "donn", "dados", "dati")


@lru_cache(maxsize=8192)  # per distinct title (see _is_elsewhere_heading)
def _is_data_heading(title: str) -> bool:
    if title.isascii():
        low = title.lower()
        if not any(word in low for word in _DATA_HEADING_WORDS):
            return False
    return bool(_DATA_HEADING.search(title))


# Headings of a section about training, which documents the data when its text speaks of data.
_TRAINING_HEADING = re.compile(
    r"\b(?:pre-?|post-?)?train(?:ing)?\b|\bfine-?\s?tun(?:ing|ed)\b|训练|訓練|学習|학습", re.I)
_DATA_WORD = Prefiltered(re.compile(
    r"\b(?:data|datasets?|corpus|corpora|tokens|samples|examples|images|hours|utterances"
    r"|sentences|documents|pairs|conversations|instructions)\b|数据|データ|데이터", re.I))
# Section text that is only a template's placeholder.
_PLACEHOLDER = re.compile(
    r"^[\s*_>\[\]()-]{0,20}(?:more\s+information\s+needed|information\s+needed|needs\s+more\s+"
    r"information|to\s+be\s+(?:added|completed|written|announced)|tbd|tba|todo|n/?a|none|unknown"
    r"|coming\s+soon|\{\{[^{}\n]{0,200}\}\})[\s*_.\[\]()-]{0,20}$", re.I)

# "trained on X", "fine-tuned version of Y on X", "pre-trained exclusively on X".
_TRAINED_ON = Prefiltered(re.compile(
    r"\b(?:(?:pre|post|re)-?)?(?:train(?:ed|ing)|fine-?\s?tun(?:ed|ing)|finetun(?:ed|ing)"
    r"|distill(?:ed|ing)|learn(?:ed|t))\b(?:[^.!?\n]|[.!?](?=\S)){0,160}?(?<!based )\bon\s+", re.I))
# "Model trained with the TASS 2020 corpus", "trained using the X dataset", "We train the model
# using over 220M words, aggregated from: Indonesian Wikipedia...": with "with" or "using",
# the object must be data (a data noun), not a method ("trained with LoRA").
_TRAINED_WITH = Prefiltered(re.compile(
    r"\b(?:(?:pre|post|re)-?)?(?:train(?:ed|ing)?|fine-?\s?tun(?:ed|ing|e)?|finetun(?:ed|ing|e)?)\s+"
    r"(?:(?:the|this|our)\s+models?\s+|it\s+)?(?:with|using)\s+(?=(?:[^.!?\n]|[.!?](?=\S)){0,160}?\b(?:datasets?|corpus|corpora|data|notes"
    r"|texts|documents|records|images|recordings|tweets|papers|articles|conversations|dialogues"
    r"|samples|examples|words|sentences|utterances|pairs|photos|photographs|pictures"
    r"|screenshots|frames|drawings|paintings|illustrations|artworks?|(?<=['’]s\s)(?:works?|art))\b)", re.I))
# "See the training dataset here: https://huggingface.co/datasets/...": the data by its address.
_DATA_MENTION = Prefiltered(re.compile(
    r"\b(?:training|train|pre-?training|fine-?tuning)\s+(?:datasets?|data|corpus|corpora|set)\b", re.I))
# "The training data consists of X", "Our pre-training dataset contains X", "The training corpus was
# papers taken from X": a sentence whose subject is the training data (the rest of it is read).
_DATA_IS = Prefiltered(re.compile(
    r"\b(?:(?:pre-?|post-?|fine-?\s?)?training|train)\s+(?:datasets?|data\s*sets?|data|corpus"
    r"|corpora|set|mixture)\b[^.!?\n<>|]{0,40}?\b(?:is|are|was|were|consists?|comprises?|contains?"
    r"|includes?|included|covers?|spans?|comes?|came|draws?|drew|has|had)\b", re.I))
# "datasets used: X", "data comes from X", "dataset contains X".
# "40 billion tokens consisting of a mixture of 3 datasets - FineWeb, Buzz-V1.2 and Dolma",
# "applied to 2.5 billion data points of CommonCrawl".
_DATA_FROM = Prefiltered(re.compile(
    r"\b(?:datasets?|data\s*sets?|data|corpus|corpora|tokens)\b[^.!?\n<>|]{0,40}?\b(?:consists?\s+of"
    r"|consisting\s+of|composed\s+of|made\s+up\s+of|comprises?|comes?\s+from|contains?|includes?"
    r"|included|drawn\s+from|sourced\s+from|sampled\s+from|taken\s+from|collected\s+from"
    r"|extracted\s+from|scraped\s+from|crawled\s+from|gathered\s+from|aggregated\s+from"
    r"|obtained\s+from)\s+|\bdata\s+points\s+(?:of|from)\s+", re.I))
# The author's own works: "Its training data consists of ~120 of my own photos", "trained on my
# own drawings" say where the data came from and who holds it ("our own dataset" does not).
_OWN_DATA = re.compile(
    r"\b(?:my|our)\s+own\s+(?:photos|photographs|pictures|images|drawings|paintings|artworks?|art"
    r"|renders|illustrations|recordings|voice)\b", re.I)
# A sentence in Chinese, Japanese or Korean that says the model was trained on data: the data is
# named when the sentence names it (a link, a Latin proper name such as "SimCLUE").
_CJK_SENTENCE = re.compile(r"[^。！？\n]{1,400}")
_CJK_TRAINED = re.compile(r"训练|訓練|微调|微調|学習|학습|파인튜닝|ファインチューニング")
_CJK_DATA = re.compile(r"数据|數據|语料|語料|データ|コーパス|데이터|말뭉치")
# "- dataset: opus", "**Training data:** X", "| Dataset | X |"
_LABEL = Prefiltered(re.compile(
    r"^[\s>*+|-]{0,8}(?:\*\*|__)?\s{0,2}(?:training\s+|pre-?training\s+|fine-?tuning\s+)?"
    r"(?:data(?:sets?)?|data\s+sets?|corpus|corpora|training\s+data)(?:\s+used)?(?:\*\*|__)?"
    r"\s{0,2}(?:[:：|]|\s-\s)\s{0,4}(?:\*\*|__)?\s{0,2}(?P<obj>\S.{0,200})$", re.I | re.M))
_MODEL_LINK = re.compile(
    r"(?:\]\(\s{0,2}|)https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/)[\w.-]{1,96}/", re.I)
_LINK_OR_ID = re.compile(
    r"\]\(|https?://|\b[A-Za-z0-9][\w.-]{0,60}/[A-Za-z0-9][\w.-]{0,80}\b")
_TOKEN = re.compile(r"[^\W_][\w'.+-]{0,60}")
_QUANTITY = re.compile(r"^~?\d[\d,.]*[kmbt%]?$|^\d+[kmbt]?\+?$", re.I)
_DATA_NOUN = frozenset({"dataset", "datasets", "corpus", "corpora", "data", "benchmark",
                        "collection", "subset", "split", "dump"})
# Words that describe data without naming it; capitalised words that are not names of data.
_NOT_A_NAME = frozenset("""
    a an the this that these those our their its my your his her some any all many much more most
    several various diverse different multiple mixed mix mixture combination blend set sets
    large larger largest huge massive big small tiny new custom private internal proprietary
    public publicly open openly available free synthetic generated high quality curated filtered
    cleaned clean raw unlabeled unlabelled labeled labelled annotated human real natural
    multilingual monolingual bilingual parallel unknown none null nan n/a na unspecified undisclosed
    same similar other following above below top over approximately about around roughly nearly
    total up to only mostly mainly primarily exclusively entirely solely both each either
    data dataset datasets corpus corpora text texts images image audio video speech tokens samples
    examples documents pairs sentences words hours instructions conversations dialogues web
    internet online crawl crawled scraped collected task tasks domain domains general specific
    english chinese mandarin cantonese japanese korean french german spanish italian portuguese
    russian arabic hindi bengali urdu vietnamese thai indonesian malay turkish dutch polish czech
    swedish danish norwegian finnish greek hebrew persian farsi ukrainian romanian hungarian
    languages language lingual
    it they we which what how top-quality high-quality
    gpu gpus tpu tpus cpu cpus node nodes cluster clusters machine machines hardware device devices
    a100 a100s h100 h100s v100 v100s a6000 rtx nvidia single
    january february march april may june july august september october november december
    platforms platform hub hugging face huggingface github like such including e.g. i.e. eg ie
    full entire whole original complete own previous aforementioned given provided released
    combined target training test testing validation dev eval evaluation downstream
    lora qlora dreambooth peft deepspeed sft dpo rlhf ppo orpo kto adam adamw fsdp accelerate
    axolotl unsloth trl kohya textual inversion pivotal tuning
    and or of with on in for from to by at as into onto via plus
    supervised unsupervised self-supervised weakly-supervised instruction instructional preference
    conversational existing additional extra in-house in-domain out-of-domain domain-specific
    task-specific current base model models
""".split())
# A model named as the object ("fine-tuning on `Yi-34B`"): a size in billions or millions of
# parameters is a model's, not a dataset's.
_MODEL_SIZE = re.compile(r"[-_](?:\d+(?:\.\d+)?x)?\d+(?:\.\d+)?[bm](?:[-_]|$)", re.I)
# Objects of "trained on" that are not data: the base ("on top of Llama 2"), the hardware.
# Objects of "trained with" that are settings: "a sequence length of 4096 tokens".
_NOT_DATA_OBJECT = re.compile(
    r"^\s{0,3}(?:top\s+of|the\s+basis\s+of|the\s+shoulders\s+of|(?:an?\s+|the\s+)?(?:(?:max(?:imum)?"
    r"|sequence|context|input)\s+(?:sequence\s+)?length|batch\s+size|learning\s+rate|vocabulary))\b", re.I)
# "meant to be fine-tuned on a supervised dataset", "you can fine-tune it on X": an invitation to
# the user, not the model's data.
_INVITATION = re.compile(r"\b(?:be|to|can|could|may|might|you|users?)\s+$", re.I)


# Sections (with everything under them) that tell users how to use, evaluate or build on the model:
# data named there is a tutorial's, a benchmark's or another model's, not this model's training data.
# A section on limitations, bias or risks is about this model, and often names the data its bias
# comes from ("fine-tuned on image-text datasets (e.g. LAION) collected from the internet"); one
# on intended uses and limitations is a usage section, and so is one on fine-tuning "SeamlessM4T
# models" or on training code.
_ELSEWHERE = re.compile(
    r"\bhow\s+to\b|\busage\b|\bquick\s?start|getting\s+started|\binference\b|\bdeploy|\bserving"
    r"|tutorial|\bexamples?\b|\bfaq\b|frequently\s+asked|learning\s+hub|ecosystem|downstream|upstream"
    r"|community|citation|\bcite\b|acknowledg|benchmark|evaluation|\bresults\b|performance|\buses\b"
    r"|intended\s+use|direct\s+use|out-of-scope|\bcode\b|\bscripts?\b"
    r"|\bfine-?\s?tun(?:e|ing)\s+(?:[\w-]{1,30}\s+)?models\b"
    r"|\blicen[cs]e|contact|\bapi\b|\bdemo\b|install"
    r"|requirements|environment|\bprompt(?:s|ing)?\b|chat\s+template|\brun(?:ning)?\b|download|使用|推理|部署"
    r"|引用|评测|評測|使い方|사용", re.I)


def documents_training_data(card: Any) -> bool:
    """Does the card document its training data (see the module docstring)?"""
    datasets = card.metadata.get("datasets")
    if isinstance(datasets, str) and datasets.strip():
        return True
    if isinstance(datasets, list) and any(isinstance(d, str) and d.strip() for d in datasets):
        return True
    sections = card.sections
    about_data = [_is_data_heading(sec.title) for sec in sections]
    elsewhere = _elsewhere(sections, about_data)
    if any(_is_data_section(sections, i, about_data[i]) for i in range(len(sections))
           if i not in elsewhere):
        return True
    return names_training_data(_about_the_model(card, elsewhere))


# Cards reuse a few hundred template headings ("Uses", "Model Details", "Training Data"): within a
# process each distinct title is matched once (the alternations try every position of a title).
@lru_cache(maxsize=8192)
def _is_elsewhere_heading(title: str) -> bool:
    return bool(_ELSEWHERE.search(title))


def _elsewhere(sections: Any, about_data: list[bool]) -> set[int]:
    """Indexes of the sections that are (or sit under) usage, evaluation, ecosystem... sections.
    A card's top heading is its title, never such a section, and a section about the data (its
    ``about_data`` entry) is read wherever it sits."""
    out: set[int] = set()
    open_until: int | None = None  # the level of the excluded section we are inside
    for i, sec in enumerate(sections):
        if open_until is not None and sec.level > open_until:
            if not about_data[i]:
                out.add(i)
            continue
        open_until = None
        if sec.level > 1 and not about_data[i] and _is_elsewhere_heading(sec.title):
            out.add(i)
            open_until = sec.level
    return out


def _about_the_model(card: Any, elsewhere: set[int]) -> str:
    """The card's prose without the lines of the sections in ``elsewhere``."""
    if not elsewhere:
        return str(card.prose)
    lines = card.prose.split("\n")
    first = card.body_line
    sections = card.sections
    for i in sorted(elsewhere):
        start = sections[i].line - first
        stop = (sections[i + 1].line - first) if i + 1 < len(sections) else len(lines)
        for n in range(max(start, 0), min(stop, len(lines))):
            lines[n] = ""
    return "\n".join(lines)


def _is_data_section(sections: Any, i: int, about_data: bool) -> bool:
    """Is section ``i`` (``about_data``: its heading is one of a data section) a section about
    the training data, more than a placeholder?"""
    title = sections[i].title
    if not (about_data or _TRAINING_HEADING.search(title)):
        return False
    text = _section_text(sections, i)
    if not text or _PLACEHOLDER.match(text):
        return False
    if about_data:
        return True
    # A training section documents the data when it speaks of data, or when it points to the
    # document that does ("Please refer to our paper at https://arxiv.org/...").
    return bool(_DATA_WORD.search(text) or _DEFERS.search(text))


def _section_text(sections: Any, i: int) -> str:
    """A section's text with its subsections' (up to the next heading of its level or higher)."""
    level = sections[i].level
    parts = [sections[i].text]
    for sec in sections[i + 1:]:
        if sec.level <= level:
            break
        parts.append(sec.text)
    return "\n".join(p for p in parts if p).strip()


_TABLE_DATA_HEADER = re.compile(
    r"^(?:(?:pre-?|post-?|fine-?\s?)?training\s+)?(?:data(?:sets?)?|data\s+sets?|corpus|corpora)"
    r"(?:\s+(?:used|source))?$|^training\s+(?:data|set|corpus)\b", re.I)
MAX_TABLE_ROWS = 200


def _table_names_data(prose: str) -> bool:
    """A Markdown table with a "Training data" (or "Dataset") column whose cells name data."""
    lines = prose.split("\n")
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("|") or "|" not in line[1:] or not _DATA_HEADER_HINT.search(line):
            continue
        cells = [c.strip(" *_`") for c in line.strip().strip("|").split("|")]
        columns = [n for n, c in enumerate(cells) if _TABLE_DATA_HEADER.match(c)]
        if not columns:
            continue
        for row in lines[i + 2:i + 2 + MAX_TABLE_ROWS]:
            if not row.lstrip().startswith("|"):
                break
            values = [c.strip() for c in row.strip().strip("|").split("|")]
            for n in columns:
                if n < len(values) and values[n] and _names_data(values[n], labelled=False):
                    return True
    return False


_DATA_HEADER_HINT = re.compile(r"data|corpus|corpora", re.I)


# Where the statements below can start: every match of each pattern starts at most so many
# characters before a place of one of its words ("pre-trained on", "fine- tuning data"). The
# places of each word are found once per text for all of them, and each pattern is tried there
# only: searched by themselves, the patterns took a pass over the prose for each of their start
# strings and needles, and a try at each of the many places of "re" and "pre".
_Near = tuple[tuple[str, ...], int]  # (words, the most characters a match starts before one)
_TRAINED_ON_AT: _Near = (("train", "fine", "distill", "learn"), 5)
_TRAINED_WITH_AT: _Near = (("train", "fine"), 5)
_DATA_MENTION_AT: _Near = (("train", "fine"), 4)
_DATA_IS_AT: _Near = (("train",), 6)
_DATA_FROM_AT: _Near = (("data", "corp", "tokens"), 0)


class _Places:
    """The places of a few words in one text, lower-cased, each found once."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Places in the lower-cased text are the text's, unless a letter folds otherwise.
        self.low = None if unfolded(text) else lowered(text)
        self.found: dict[str, list[int]] = {}

    def of(self, word: str) -> list[int]:
        found = self.found.get(word)
        if found is None:
            assert self.low is not None
            found = self.found[word] = list(_places(self.low, word))
        return found

    def finditer(self, rx: Prefiltered, words: tuple[str, ...], back: int) -> Iterator[re.Match[str]]:
        """``rx.finditer(text)``, for a pattern whose every match starts at most ``back``
        characters before a place of one of ``words`` (and is never empty)."""
        if self.low is None:
            yield from rx.finditer(self.text)
            return
        starts: set[int] = set()
        for word in words:
            for at in self.of(word):
                starts.update(range(max(at - back, 0), at + 1))
        match = rx.pattern.match
        floor = 0  # where the last match ended: finditer goes on from there
        for at in sorted(starts):
            if at >= floor:
                found = match(self.text, at)
                if found is not None:
                    yield found
                    floor = found.end()


def names_training_data(prose: str) -> bool:
    """Does the prose name the data the model was trained on?"""
    if "|" in prose and _table_names_data(prose):
        return True
    prose = _join_soft_breaks(prose)
    places = _Places(prose)
    for rx, near in ((_TRAINED_ON, _TRAINED_ON_AT), (_TRAINED_WITH, _TRAINED_WITH_AT)):
        for m in places.finditer(rx, *near):
            if _INVITATION.search(prose, max(m.start() - 16, 0), m.start()):
                continue
            window = prose[m.end():m.end() + 120]
            if _names_data(window) or _OWN_DATA.search(_SENTENCE_END.split(window, 1)[0]):
                return True
    for m in places.finditer(_DATA_MENTION, *_DATA_MENTION_AT):
        window = prose[m.end():m.end() + 200]
        if _links_data(window) or _DEFERS.search(_SENTENCE_END.split(window, maxsplit=1)[0]):
            return True  # the data by its address, or the document that describes it
    for m in _CJK_SENTENCE.finditer(prose) if _CJK_TRAINED.search(prose) else ():
        sentence = m.group(0)
        if _CJK_TRAINED.search(sentence) and _CJK_DATA.search(sentence) and _cjk_names(sentence):
            return True
    for m in _sentences_naming_data(prose):
        sentence = m.group(0)
        if _TRAIN_VERB.search(sentence):
            for named in _THE_X_DATASET.finditer(sentence):
                word = named.group(1)
                # "the fine-tuning dataset", "the pretraining corpus": a stage, not a name.
                if (word.lower() not in _NOT_A_NAME and not _QUANTITY.match(word)
                        and not word.lower().endswith("ing")):
                    return True  # "fine-tuned ... using TextAttack and the glue dataset"
    for rx, near in ((_DATA_IS, _DATA_IS_AT), (_DATA_FROM, _DATA_FROM_AT)):
        for m in places.finditer(rx, *near):
            window = prose[m.end():m.end() + 160]
            if _names_data(window, clause=False) or _OWN_DATA.search(_SENTENCE_END.split(window, 1)[0]):
                return True
    for m in _LABEL.finditer(prose):
        obj = m.group("obj")
        if not _PLACEHOLDER.match(obj) and _names_data(obj, labelled=True):
            return True
    return False


def _names_data(window: str, labelled: bool = False, clause: bool = True) -> bool:
    """Does a statement's object name its data: a link or a Hub id (within its sentence), a
    proper name (AudioSet, ImageNet, COCO, Wikipedia, LAION-5B) or a word standing before
    "dataset" or "corpus" ("the imdb dataset") within its first clause (``clause``; else within
    the sentence)? A labelled value ("dataset: opus") may be a plain lower-case word."""
    parts = _SENTENCE_END.split(window, maxsplit=1)
    sentence = parts[0]
    if len(parts) > 1 and (_FOLLOWING.search(sentence) or window[len(sentence):].startswith(":")):
        sentence = f"{sentence} {parts[1]}"  # "... the following corpora:" and the list after it
    if _NOT_DATA_OBJECT.match(sentence):
        return False
    for m in _LINK_OR_ID.finditer(sentence):
        if not _MODEL_LINK.match(sentence, m.start()):
            return True  # a dataset's link or id; a link to a model page is the base, not data
    # The first clause: "trained on a 3T corpus, the Yi models ..." names nothing.
    words = _CLAUSE_END.split(sentence, maxsplit=1)[0] if clause else sentence
    tokens = _TOKEN.findall(words)[:10 if clause else 30]
    for n, tok in enumerate(tokens):
        low = tok.lower().strip(".'")
        if low in _NOT_A_NAME or _QUANTITY.match(low) or len(low) < 2 or _MODEL_SIZE.search(tok):
            continue
        following = tokens[n + 1].lower() if n + 1 < len(tokens) else ""
        if following in _DATA_NOUN or labelled:
            return True
        if _proper(tok):
            return True
    return False


def _cjk_names(sentence: str) -> bool:
    """A CJK sentence names its data by a link (not to a model page) or by a Latin name written
    against a data word ("SimCLUE 数据集", "数据集 SimCLUE"); a model's name elsewhere in the
    sentence ("对Llama2模型") is not the data."""
    for m in _LINK_OR_ID.finditer(sentence):
        if m.group(0).startswith(("](", "http")) and not _MODEL_LINK.match(sentence, m.start()):
            return True
    for m in _CJK_NAMED.finditer(sentence):
        tok = m.group(1) or m.group(2)
        if tok.lower() not in _NOT_A_NAME and not _QUANTITY.match(tok) and _proper(tok):
            return True
    return False


_CJK_NAMED = re.compile(
    r"([A-Za-z][\w.+-]{1,40})\s{0,2}[\]*`」』”\"]{0,3}\s{0,2}(?:数据集|數據集|语料|語料|データセット|コーパス"
    r"|데이터셋|말뭉치)|(?:数据集|數據集|データセット|데이터셋)\s{0,2}[\[*`「『“\"]{0,3}([A-Za-z][\w.+-]{1,40})")


# "Please refer to our paper [link]", "details are described in the technical report (link)".
_DEFERS = Prefiltered(re.compile(
    r"\b(?:refer\s+to|see|check\s+out|described\s+in|detailed\s+in|details?\s+(?:are\s+|is\s+)?(?:in|at)"
    r"|found\s+in|available\s+in|documented\s+in)\b[^.\n]{0,80}?(?:\]\(|https?://)", re.I))
# A sentence about training that names "the X dataset" or "the X corpus".
_TRAIN_SENTENCE = re.compile(r"[^.!?\n]{1,600}")
_TRAIN_VERB = re.compile(
    r"\b(?:(?:pre|post|re)-?)?(?:train(?:ed|ing)?|fine-?\s?tun(?:ed|ing|e)|finetun(?:ed|ing|e))\b", re.I)
MAX_SENTENCE = 600  # _TRAIN_SENTENCE's longest piece


def _sentences_naming_data(prose: str) -> Iterator[re.Match[str]]:
    """The pieces of ``_TRAIN_SENTENCE.finditer(prose)`` that can hold a match of
    ``_THE_X_DATASET``: those where "data" or "corpu" is (every such match holds one whatever its
    case, and no letter that matches ASCII ignoring case without lower-casing to it, ſ and ı,
    is in them). Found from those words, not by cutting the whole prose into sentences."""
    if "\u0130" in prose:  # lower-cases to two characters: positions would shift
        yield from _TRAIN_SENTENCE.finditer(prose)
        return
    low = lowered(prose)
    places = sorted(at for word in ("data", "corpu") for at in _places(low, word))
    end = 0
    for at in places:
        if at < end:
            continue  # in the piece just given
        # The piece starts after the last sentence end before ``at``, or a multiple of
        # MAX_SENTENCE characters after it (a longer run is cut into pieces).
        low_bound = max(0, at - MAX_SENTENCE)
        start = max(prose.rfind(c, low_bound, at) for c in ".!?\n") + 1
        if not start:
            start = max(prose.rfind(c, 0, at) for c in ".!?\n") + 1
        start += (at - start) // MAX_SENTENCE * MAX_SENTENCE
        piece = _TRAIN_SENTENCE.match(prose, start)
        if piece is not None:
            yield piece
            end = piece.end()


def _places(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


_THE_X_DATASET = re.compile(r"\bthe\s+([A-Za-z][\w.+-]{1,40})\s+(?:dataset|corpus|data\s+set)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?;:\n](?:\s|$)")
_FOLLOWING = re.compile(r"\b(?:following|below)\b", re.I)
# Soft-wrapped lines of a paragraph: joined so that "trained\non [X](...)" reads as one sentence.
_SOFT_BREAK = re.compile(r"(?<=[^\s|])[ \t]{0,8}\n[ \t]{0,8}(?=[^\s#|*>+\-\d<`])")
# Without blanks before a line break (most cards), a soft break starts at the line break: the
# same pattern starting with it lets the engine skip from one line break to the next.
_SOFT_BREAK_AT_NEWLINE = re.compile(r"\n(?<=[^\s|]\n)[ \t]{0,8}(?=[^\s#|*>+\-\d<`])")


# A soft break after blanks starts at the first of them (at most 8, after a character that is
# no blank, line break or "|"). Searched for as _SOFT_BREAK is, it has the engine try every
# position of the prose; found from the few lines that end in blanks, it costs a look at each.
_AFTER_BREAK = re.compile(r"[ \t]{0,8}(?=[^\s#|*>+\-\d<`])")
_BEFORE_BLANKS = re.compile(r"[^\s|]")


def _join_soft_breaks(prose: str) -> str:
    """``_SOFT_BREAK.sub(" ", prose)``. Each of its matches holds one line break, and the
    character before a match and the one after it are not blanks: the breaks after blanks, joined
    first, leave the others as they were for _SOFT_BREAK_AT_NEWLINE."""
    if " \n" not in prose and "\t\n" not in prose:
        return _SOFT_BREAK_AT_NEWLINE.sub(" ", prose)
    pieces: list[str] = []
    done = 0
    for line_end in _blank_line_ends(prose):
        start = line_end
        while start > line_end - 9 and start > 0 and prose[start - 1] in " \t":
            start -= 1
        if line_end - start > 8 or start == 0 or not _BEFORE_BLANKS.match(prose, start - 1):
            continue  # more than 8 blanks, or none of the characters the break follows
        after = _AFTER_BREAK.match(prose, line_end + 1)
        if after is not None:
            pieces += (prose[done:start], " ")
            done = after.end()
    pieces.append(prose[done:])
    return _SOFT_BREAK_AT_NEWLINE.sub(" ", "".join(pieces))


def _blank_line_ends(prose: str) -> list[int]:
    """The line breaks that follow a blank, in order."""
    ends = []
    for blank_end in (" \n", "\t\n"):
        at = prose.find(blank_end)
        while at >= 0:
            ends.append(at + 1)
            at = prose.find(blank_end, at + 2)
    return sorted(ends)

# A comma that starts another clause ("..., the Yi series models become ..."), not a list of the
# data ("..., including Alpaca and ShareGPT").
_CLAUSE_END = re.compile(
    r",\s+(?=(?:the|this|these|it|its|which|who|we|our|they|and|but|while|so|then|making|allowing"
    r"|resulting|showing|leading|enabling|giving|a|an|as|for|with|where|when)\b)", re.I)


def _links_data(window: str) -> bool:
    """A link to a dataset on the Hub within the sentence."""
    sentence = re.split(r"[.!?;\n](?:\s|$)", window, maxsplit=1)[0]
    return bool(_DATASET_LINK.search(sentence))


_DATASET_LINK = re.compile(r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/datasets/[\w.-]{1,96}/", re.I)


def _proper(tok: str) -> bool:
    """A name as written: an inner capital (AudioSet), all capitals (COCO, SQuAD's cousins), or a
    capitalised word (Wikipedia) that is no language or common word (checked by the caller)."""
    letters = [c for c in tok if c.isalpha()]
    if len(letters) < 2:
        return False
    if any(c.isupper() for c in tok[1:]) and sum(c.isalpha() for c in tok) >= 2:
        return True
    return tok[0].isupper()


# ---------------------------------------------------------------------------------------------
# Models that train nothing: their training data is their original's or their parents'.
#
# Every card that says nothing of the kind is read for two dozen patterns, and a pass over its
# prose (to find a pattern's first word) costs about as much as a lookup in a set of its words
# costs to make. So the check makes that set once (_words) and runs a pattern only when the words
# it needs are in it: its gate, one word of each group. A gate's word stands in every match
# between \b (or a non-word character) and a non-word character, so it is a whole run of ASCII
# letters and digits of the lower-cased prose, which is what the patterns read.


def _gate(*groups: str) -> tuple[frozenset[bytes], ...]:
    """A pattern's gate: one of the (space-separated) words of each group is in the text."""
    return tuple(frozenset(word.encode() for word in group.split()) for group in groups)


# Every byte but an ASCII letter or digit separates words (UTF-8's multi-byte characters too).
_SEPARATE = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))


def _words(low: str) -> frozenset[bytes]:
    """The runs of ASCII letters and digits in ``low`` (lower-cased text)."""
    return frozenset(low.encode("utf-8", "surrogatepass").translate(_SEPARATE).split())


def _opens(gate: tuple[frozenset[bytes], ...], words: frozenset[bytes]) -> bool:
    for group in gate:  # a loop, not all() over a generator: called some twenty times a card
        if words.isdisjoint(group):
            return False
    return True


class _Pattern:
    """A pattern searched as it is (from its start strings, see prefilter)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.plain = re.compile(pattern, flags)
        self.pattern = Prefiltered(self.plain)

    def search(self, low: str, words: frozenset[bytes]) -> bool:
        return self.pattern.search(low) is not None


class _FirstWords:
    """``\\b(?:first|...)rest``, searched as one pattern per first word, for the first words the
    text holds only. Each is given as (the literal it starts with, the pattern's next part, the
    words its matches hold: "core ml" and "coreml" both match ``core\\s?ml``). The pattern for a
    first word starts with that literal, a prefix the regex engine looks for in C; a lookbehind
    after it does the work of the \\b before it (no word character there)."""

    def __init__(self, rest: str, *firsts: tuple[str, str, str]) -> None:
        self.plain = re.compile("|".join(rf"\b{re.escape(start)}{then}{rest}" for start, then, _ in firsts))
        self.patterns = [
            (_gate(words)[0], re.compile(rf"{re.escape(start)}(?<!\w{re.escape(start)}){then}{rest}"))
            for start, then, words in firsts]

    def search(self, low: str, words: frozenset[bytes]) -> bool:
        return any(not words.isdisjoint(needs) and rx.search(low) is not None for needs, rx in self.patterns)


def _first_words(rest: str, *firsts: str | tuple[str, str, str]) -> _FirstWords:
    """_FirstWords, a plain word standing for (word, "", word)."""
    return _FirstWords(rest, *((f, "", f) if isinstance(f, str) else f for f in firsts))


class _AtLineStart:
    """``^\\W{0,6}(?:first|...)rest`` (multi-line): where it matches, a first part stands at most
    6 characters after a line's start. Each first part with ``rest`` is searched for from the
    literal it starts with (a prefix the regex engine finds in C; they are rare), when the text
    holds a word its matches hold, and the whole pattern is tried at the line starts just before
    the places found. Searched as it is, ``^`` has the engine try every position of the prose."""

    def __init__(self, rest: str, *firsts: tuple[str, str]) -> None:  # (words, first part)
        self.plain = re.compile(rf"^\W{{0,6}}(?:{'|'.join(first for _, first in firsts)}){rest}", re.M)
        self.places = [(_gate(words)[0], re.compile(f"{first}{rest}")) for words, first in firsts]

    def search(self, low: str, words: frozenset[bytes]) -> bool:
        at_line_start = self.plain.match
        for needs, place in self.places:
            found = place.search(low) if not words.isdisjoint(needs) else None
            while found is not None:
                at = found.start()
                if any(at_line_start(low, line) for line in range(max(at - 6, 0), at + 1)):
                    return True
                found = place.search(low, at + 1)
        return False


class _NonAscii:
    """A few non-ASCII strings: not in ASCII text (known without reading it), else searched in
    one pass (the regex engine skips to their first characters)."""

    def __init__(self, pattern: str) -> None:
        self.plain = self.pattern = re.compile(pattern)

    def search(self, low: str, words: frozenset[bytes]) -> bool:
        return not low.isascii() and self.pattern.search(low) is not None


_Searched = _Pattern | _FirstWords | _AtLineStart | _NonAscii
# (gate, a string the prose must hold too, pattern)
_Check = tuple[tuple[frozenset[bytes], ...], str, _Searched]

_UNTRAINED: tuple[_Check, ...] = (  # the card says the weights were never trained: a test fixture
    (_gate("random randomly"), "random", _Pattern(
        r"\brandom(?:ly)?[\s-]{1,3}(?:initiali[sz]ed[\s-]{1,3})?(?:weights|parameters)\b"
        r"|\brandomly[\s-]initiali[sz]ed\s+(?:model|checkpoint|network)\b")),
    (_gate("randomly"), "random", _Pattern(r"\bmodel[^.\n]{0,40}?\brandomly[\s-]initiali[sz]ed\b")),
    (_gate("untrained"), "untrained", _Pattern(r"\buntrained\s+(?:model|weights|checkpoint|network)\b")),
    (_gate("testing"), "testing", _Pattern(r"\bfor\s+testing\s+(?:purposes\s+)?only\b"
                                           r"|\buseful\s+for\s+(?:unit\s+|e2e\s+|ci\s+)?testing\b")),
)
_UNTRAINED_NAME = re.compile(r"(?:^|[-_.])(?:random(?![-_.]?forest)|untrained|dummy)(?:[-_.]|$)", re.I)
_REUPLOAD: tuple[_Check, ...] = (  # a mirror of a model published elsewhere, or a conversion
    (_gate("original"), "original", _Pattern(
        r"\boriginal\s+(?:model|page|repo(?:sitory)?|weights|checkpoint|source)\s{0,3}(?:is\s+)?"
        r"(?:here\s{0,3})?[:：(\[]|\boriginal\s+(?:model|page)\s+(?:is\s+|can\s+be\s+found\s+)?"
        r"(?:here|at|from|on)\b")),
    (_gate("upload uploaded reupload reuploaded"), "upload", _Pattern(r"\bre-?upload(?:ed)?\s+(?:of|from)\b")),
    (_gate("mirror"), "mirror", _Pattern(r"\bmirror\s+of\b")),
    (_gate("copy"), "copy", _Pattern(r"\bcopy\s+of\s+(?:the\s+)?(?:original|model|weights|\[)")),
    (_gate("info information page source", "http https"), ":", _AtLineStart(
        r"\s{0,3}[:：]\s{0,3}(?:\[[^\[\]\n]{0,100}\]\()?https?://",
        ("info", r"model\s+info"), ("info information", r"more\s+info(?:rmation)?"), ("page", r"model\s+page"),
        ("source", "source"))),
    # "ONNX version", "GGUF format", "Core ML weights"
    (_gate("onnx core coreml openvino tensorrt ctranslate2 mlx tflite ggml gguf fp16 fp32 bf16 safetensors diffusers",
           "port ports version versions conversion conversions export exports format weights copies"),
     "", _first_words(r"\s+(?:ports?|versions?|conversions?|exports?|format|weights|copies)\b",
                      "onnx", ("core", r"\s?ml", "core coreml"), "openvino", "tensorrt", "ctranslate2", "mlx",
                      "tflite", "ggml", "gguf", "fp16", "fp32", "bf16", "safetensors", "diffusers")),
    # "port of", "conversion for", "exported from"
    (_gate("port conversion export exports"), "",
     _first_words(r"\s+(?:of|for)\b", "port", "conversion", ("export", "s?", "export exports"))),
    (_gate("converted exported"), "", _first_words(r"ed\s+(?:from|to)\b", ("convert", "", "converted"),
                                                     ("export", "", "exported"))),
    # "this is pytorch version of [this](...)", "the sentence-transformers version of [X](...)"
    (_gate("pytorch torch tensorflow tf flax jax keras paddle transformers diffusers hf hugging huggingface",
           "version versions port ports checkpoint checkpoints weights", "of"),
     "version", _first_words(
         r"\s+(?:versions?|ports?|checkpoints?|weights)\s+of\s+(?:the\s+)?(?:\[|https?://|original\b)",
         "pytorch", "torch", "tensorflow", "tf", "flax", "jax", "keras", "paddle",
         ("sentence-transformers", "", "transformers"), "transformers", "diffusers", "hf",
         ("hugging", r"\s?face", "hugging huggingface"))),
    (_gate("weights", "fp8 fp16 bf16 int8 int4 nf4 gguf safetensors"), "weights",
     _Pattern(r"\bweights\s+in\s+(?:fp8|fp16|bf16|int8|int4|nf4|gguf|safetensors)\b")),
    (_gate("weights checkpoint checkpoints", "from of"), "[",
     _Pattern(r"\b(?:weights|checkpoints?)\s+(?:from|of)\s+(?:the\s+)?\[")),
)
_MERGED: tuple[_Check, ...] = (  # a merge said in prose: it combines trained models
    (_gate("merge merged merges mergekit"), "merge", _Pattern(
        r"\bmerge\s+of\b|\bmerged\s+(?:from|with|using|model)|\bmerge[ds]?\s+(?:model"
        r"|checkpoint)|\bmergekit\b|\bmerge[_\s]method\b|\b(?:weights?|models?"
        r"|checkpoints?)\s+merged\b")),
    # How checkpoint merges are written up: "a merge between", "Merge recipes", "merged it with
    # many models", "Merge Block Weights", "U-Net block merging", the SuperMerger extension.
    (_gate("merge merged merging supermerger"), "merg", _Pattern(
        r"\bmerge\s+(?:between|recipes?|history|ratios?)\b|\bmerg(?:e|ed|ing)\s+(?:it"
        r"|them|these|those)\s+with\b|\bmerge\s+block\s+weights?\b|\bblock\s+merg(?:e|ing)\b"
        r"|\bcheckpoint\s+merg(?:e|ing)\b|\bsupermerger\b|\bmerging\s+(?:several|multiple"
        r"|two|three|different|various|many)\s+(?:models|checkpoints)\b")),
    (_gate("sum"), "sum", _Pattern(r"\bweight(?:ed|s)?\s+sum\b")),
    # "recipe : 0.5((0.5(AbyssOrangeMix2_hard) + 0.5(pastelmix)) + 0.5(CounterfeitV25)": weights
    (_gate("recipe recipes"), "recipe", _Pattern(r"\brecipes?\s{0,3}[:：]\s{0,3}\(?\s{0,2}0?\.\d{1,4}\s{0,2}[(*]")),
    (_gate("difference"), "difference", _Pattern(r"\badd\s+difference\b")),
    (_gate(), "", _NonAscii(r"マージ|合并模型|融合模型")),
)
_NOTHING_TRAINED = (*_UNTRAINED, *_REUPLOAD, *_MERGED)
# "A mix of Foto Assisted Diffusion and FennPhoto": models by their names (case matters here).
_MIX_OF = re.compile(r"(?i:\b(?:a|this)\s+(?:mix|merge|blend)\s+of\s+(?:the\s+)?)[A-Z\[]")
_MIX_OF_GATE = _gate("mix merge blend", "of")  # in ASCII prose (_MIX_OF ignores case)
_CONVERSION_LIBRARIES = frozenset({"ctranslate2", "onnx", "onnxruntime", "openvino", "coreml",
                                   "mlx", "transformers.js", "tflite", "tensorrt"})
# The tags mergekit and the Hub's merge tooling give a merged model.
_MERGE_TAGS = frozenset({"merge", "mergekit"})
# A re-upload in another format says so in its name: "zero123-diffusers", "whisperkit-coreml",
# "furryrock-model-safetensors", "Llama-2-7b-chat-hf-q4f32_1-MLC" (a dtype such as -fp16 is no
# conversion: publishers ship their own in several).
_FORMAT_NAME = re.compile(r"[-_.](?:coreml|onnx|mlx|openvino|ct2|ctranslate2|tflite|tensorrt|trt|mlc"
                          r"|diffusers|safetensors)(?:[-_.]|$)", re.I)


# A quantization, a conversion to another format, a mirror or a merge trains nothing (its data
# is the original's or its parents'), and a model whose name or card says its weights are random
# was never trained. Asked in two parts: the metadata and name, then the prose.


def trains_nothing_by_metadata(facts: Facts) -> bool:
    """``trains_nothing`` from the lineage, metadata and name alone (no pass over the prose)."""
    from modellint.facts.lineage import looks_quantized

    if facts.lineage.relation in ("quantized", "merge"):
        return True
    if facts.metadata.get("quantized_by") or looks_quantized(facts.identity.name, facts.weights):
        return True
    if facts.metadata.get("duplicated_from") or _UNTRAINED_NAME.search(facts.identity.name or ""):
        return True
    library = facts.metadata.get("library_name")
    tags = facts.metadata.get("tags")
    if isinstance(library, str) and library.strip().lower() in _CONVERSION_LIBRARIES:
        return True
    if isinstance(tags, list) and (_CONVERSION_LIBRARIES | _MERGE_TAGS).intersection(
            str(t).lower() for t in tags[:200]):
        return True
    return bool(_FORMAT_NAME.search(facts.identity.name or ""))


def says_it_trains_nothing(facts: Facts) -> bool:
    """``trains_nothing`` from the card's prose: a mirror, a conversion, a merge, random weights."""
    prose = facts.card.prose if facts.card else ""
    low = lowered(prose)
    words = _words(low)
    for gate, also, pattern in _NOTHING_TRAINED:
        if _opens(gate, words) and also in low and pattern.search(low, words):
            return True
    if prose.isascii() and not _opens(_MIX_OF_GATE, words):
        return False
    return ("mix of" in low or "merge of" in low or "blend of" in low) and bool(_MIX_OF.search(prose))
