"""ML305's faster forms give exactly what the plain patterns give (speed work only)."""

from __future__ import annotations

import random

from modellint.checks import _data


def _texts(pieces: list[str], count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, longest)))
        out.append("".join(c.upper() if rng.random() < 0.2 else c for c in text))
    return out


def test_a_data_heading_is_what_the_heading_pattern_finds():
    pieces = ["Training", "DATA", "Corpus", "corpora", "Datos de entrenamiento", "dati",
              "Données d'entraînement", "Donnees d'entrainement", "dados de treino", "used",
              "sets", "Trainingsdaten", " ", "#", "the ", "our ", "sources", "PRE-", "fine ", "set",
              "\n", "info", "-", "details", "(", "&", "and ", "config", "训练数据", "датасет", "ı", "ſ"]
    for title in _texts(pieces, 20_000, 5, 305):
        assert _data._is_data_heading(title) == bool(_data._DATA_HEADING.search(title)), title


def test_the_sentences_naming_data_are_those_the_whole_loop_finds():
    pieces = ["the ", "imdb ", "Dataset", "DATA SET", "corpus", "CORPUS", "data", "x" * 250, ".",
              "\n", "!", "?", " ", "trained ", "the glue dataset", "dataſet", "corpuſ", "ı", "İ"]
    for text in _texts(pieces, 3_000, 40, 18):
        whole = [m.span() for m in _data._TRAIN_SENTENCE.finditer(text)
                 if _data._THE_X_DATASET.search(m.group(0))]
        picked = [m.span() for m in _data._sentences_naming_data(text)
                  if _data._THE_X_DATASET.search(m.group(0))]
        assert picked == whole, text


def test_soft_breaks_are_joined_as_the_whole_pattern_joins_them():
    pieces = [" ", "\t", "\n", "a", "|", "#", "*", ">", "+", "-", "1", "<", "`", "\u00a0", "\r",
              "é", "  ", " " * 9, "x\n y", ".", "\u2003", "word\nnext"]
    for text in _texts(pieces, 20_000, 30, 7):
        assert _data._join_soft_breaks(text) == _data._SOFT_BREAK.sub(" ", text), repr(text)


def test_the_gated_untrained_patterns_find_what_the_plain_patterns_find():
    # Every pattern's words and the strings around them, and characters that fold or separate.
    pieces = ["random ", "randomly-initialized ", "weights", " model ", "untrained ", "for testing only",
              "useful for ci testing", "original model: ", "original page here", "re-uploaded of ",
              "reupload from", "mirror of", "copy of the [", "\nsource: https://x", "\n## model info：[a](",
              "\n* more information: http://x", "\n- model page ", "onnx ", "core ml ", "coreml", "gguf", " version",
              " ports ", "export for ", "exported to ", "converted from", "conversion of", "port of",
              "sentence-transformers", "hugging face", "huggingface ", "tf", " checkpoints of the [",
              " of https://", "original", "weights in fp16", "merge of", "mergekit", "merge_method",
              "block merging", "supermerger", "weighted sum", "recipe: 0.5(", "add difference", "マージ",
              "合并模型", "融合模型", "_", "x", "1", " ", "\n", "-", ".", "é", "\u00a0", "\udc80", ":", "[", "(",
              "https://", "\n#  source :", "x]("]
    for text in _texts(pieces, 6_000, 12, 305):
        low = text.lower()
        words = _data._words(low)
        for gate, also, pattern in _data._NOTHING_TRAINED:
            plain = also in low and pattern.plain.search(low) is not None
            fast = _data._opens(gate, words) and also in low and pattern.search(low, words)
            assert fast == plain, (pattern.plain.pattern, text)
        mix = bool(_data._MIX_OF.search(text))
        assert not mix or not text.isascii() or _data._opens(_data._MIX_OF_GATE, words), text


def test_the_statements_found_near_their_words_are_those_the_patterns_find():
    pieces = ["post-trained on ", "fine- training data is ", "pre-training data ", "re-learnt on ",
              "xpost-fine tuned on", "pre", "post", "re", "-", " ", "\n", "train", "trained", "training",
              "fine", "tuned", "tuning",
              "finetuned", "distilled", "learned", "learnt", " on ", " with ", " using ", "data", "dataset",
              "corpus", "corpora", "tokens", " points of ", " set ", " is ", " consists of ", " from ",
              "x", ".", "based ", "İ", "ı", "ſ", "K", "é", "Data Set", "TRAIN"]
    patterns = [(_data._TRAINED_ON, _data._TRAINED_ON_AT), (_data._TRAINED_WITH, _data._TRAINED_WITH_AT),
                (_data._DATA_MENTION, _data._DATA_MENTION_AT), (_data._DATA_IS, _data._DATA_IS_AT),
                (_data._DATA_FROM, _data._DATA_FROM_AT)]
    for text in _texts(pieces, 4_000, 30, 18):
        places = _data._Places(text)
        for rx, near in patterns:
            found = [m.span() for m in places.finditer(rx, *near)]
            assert found == [m.span() for m in rx.pattern.finditer(text)], (rx.pattern.pattern, text)
