"""Per-language word analysis: sentences with their languages in, analysed words out.

English with spaCy's small pipeline (tagger and rule lemmatizer), German with a blank spaCy
pipeline and lookup lemmas, Russian with pymorphy3 (plus its runs of Latin-script words, sent
to the English pipeline), every other language with spaCy's multi-language tokenizer. Each
word carries its lemma, part of speech, language and canonical product name; ``None`` marks a
phrase boundary (a function word, a stop word, punctuation).
"""

from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from talktopics.errors import ModelNotAvailableError
from talktopics.nlp.english import english_pipeline
from talktopics.nlp.language import CYRILLIC_LETTER, LATIN_LETTER
from talktopics.nlp.lemmas import lemma_table, morph_analyzer
from talktopics.nlp.lexicon import Lexicon
from talktopics.nlp.spacy_import import import_spacy

__all__ = ["Word", "analyse_words", "load_pipelines"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Word:
    """One analysed word (hyphen/dot compounds merged): what term extraction needs."""

    surface: str
    lemma: str
    pos: str  # NOUN, PROPN, ADJ, GERUND or X
    lang: str
    product: str | None = None


_INFLECTED = {"NNS": "NOUN", "NNPS": "NOUN", "JJR": "ADJ", "JJS": "ADJ"}
"""Tags whose words need lemmatising, and the POS the rule lemmatizer should see (plural
proper nouns as nouns: "Notebooks" -> "notebook"). Base-form tags (NN, JJ) are their own
lemma: without morphology the rules would strip "process" to "proces"."""


@functools.lru_cache(maxsize=100_000)
def _en_lemma(word: str, tag: str) -> str:
    """Lemma of an English word, lower-cased (rule lemmatizer on a one-word Doc)."""
    pos = _INFLECTED.get(tag)
    if pos is None:
        return word.casefold()
    pipeline = english_pipeline()
    from spacy.tokens import Doc

    doc = Doc(pipeline.nlp.vocab, words=[word.casefold()])
    doc[0].tag_, doc[0].pos_ = tag if tag != "NNPS" else "NNS", pos
    lemmas = pipeline.lemmatizer.rule_lemmatize(doc[0])
    return str(lemmas[0]).casefold() if lemmas and lemmas[0] else word.casefold()


@functools.cache
def _german() -> Any:
    """Blank German pipeline (the tokenizer); lemmas come from :func:`_de_lemma`.

    Raises:
        ModelNotAvailableError: spacy-lookups-data (the German lemma table) is not installed.
    """
    if not lemma_table("de"):
        raise ModelNotAvailableError(
            "German lookup lemmas are missing; install them with 'pip install spacy-lookups-data'"
        )
    return import_spacy().blank("de")


@functools.cache
def _tokenizer() -> Any:
    """spaCy's multi-language tokenizer: Russian (analysed by pymorphy3) and the languages
    without a pipeline of their own (tokens only)."""
    spacy = import_spacy()

    return spacy.blank("xx")


_RU_FUNCTION_ADJ = frozenset({"Apro", "Anum"})
"""pymorphy3 grammemes of adjectives that work as function words: pronominal adjectives
(какой-то, такой, этот, свой, весь) and ordinal numerals (первый, второй). Never terms, and
they break keyphrases ("какого-то физического процесса" -> "физический процесс")."""

_RU_PREFERENCE = {"NOUN": 0, "ADJF": 1, "PRTF": 2}
"""Among parses pymorphy3 rates equally likely, nouns win over adjectives over participles:
"данные" is the noun "data" (not the participle of "дать"), "обученная" the adjective."""


@functools.lru_cache(maxsize=200_000)
def russian_parse(word: str) -> tuple[str, str]:
    """(lemma, POS) of a Russian word via pymorphy3's most probable parse."""
    parses = morph_analyzer().parse(word)
    best = parses[0].score
    tied = [p for p in parses if p.score >= best - 1e-9]
    parse = min(tied, key=lambda p: _RU_PREFERENCE.get(str(p.tag.POS), 3))
    tag = parse.tag
    grammemes = set(tag.grammemes)
    if tag.POS == "NOUN":
        pos = "PROPN" if ({"Name", "Surn", "Patr", "Geox", "Orgn"} & grammemes) else "NOUN"
    elif tag.POS in ("ADJF", "PRTF") and not (_RU_FUNCTION_ADJ & grammemes):
        pos = "ADJ"
    else:
        pos = "X"
    if tag.POS == "PRTF":
        # A participle's normal form is its verb; as a modifier it keeps its own base form
        # ("размеченных" -> "размеченный", not "разметить").
        base = parse.inflect({"masc", "sing", "nomn"})
        lemma = str(base.word) if base is not None else word.casefold()
    else:
        lemma = str(parse.normal_form)
    return lemma, pos


def _merge_compounds(tokens: Sequence[Any]) -> list[list[Any]]:
    """Group spaCy tokens joined by '-', '.' or '_' without spaces: scikit-learn, end-to-end."""
    groups: list[list[Any]] = []
    i = 0
    while i < len(tokens):
        group = [tokens[i]]
        while (
            i + 2 < len(tokens)
            and len(group) < 5
            and tokens[i].whitespace_ == ""
            and tokens[i + 1].text in ("-", ".", "_")
            and tokens[i + 1].whitespace_ == ""
            and tokens[i].text[-1:].isalnum()
            and tokens[i + 2].text[:1].isalnum()
        ):
            group.extend((tokens[i + 1], tokens[i + 2]))
            i += 2
        groups.append(group)
        i += 1
    return groups


_EN_LEMMA_FIX = {"datum": "data", "medium": "media", "criterion": "criteria"}


def _english_words(doc: Any, lex: Lexicon) -> list[Word | None]:
    """Words of an English doc; None marks a phrase boundary."""
    pos_of_tag = english_pipeline().pos_of_tag
    out: list[Word | None] = []
    raw_pos: list[str] = []
    for group in _merge_compounds(doc):
        tags = [t.tag_ for t in group]
        poses = [pos_of_tag.get(tag, "X") for tag in tags]
        surface = "".join(t.text for t in group)
        folded = surface.casefold()
        if len(group) > 1:
            pos = "PROPN" if "PROPN" in poses else poses[-1]
            lemma = folded
        else:
            pos, tag = poses[0], tags[0]
            if pos in ("NOUN", "ADJ", "PROPN"):
                lemma = _en_lemma(surface, tag)
                lemma = _EN_LEMMA_FIX.get(lemma, lemma)
                if folded.endswith("ics"):
                    lemma = folded
            else:
                lemma = folded
            if tag == "VBG":
                pos = "GERUND"
        raw_pos.append(pos)
        product = lex.product(surface, pos)
        if product is not None:
            out.append(
                Word(surface=surface, lemma=product, pos="PROPN", lang="en", product=product)
            )
        elif CYRILLIC_LETTER.search(surface):
            out.append(None)
        elif pos in ("NOUN", "PROPN", "ADJ", "GERUND") and not lex.is_stop(surface, lemma, "en"):
            out.append(Word(surface=surface, lemma=lemma, pos=pos, lang="en"))
        else:
            out.append(None)
    # A gerund heads a phrase only after a modifier and when no object follows:
    # "machine learning with X" yes, "models using (the) pandas" no.
    for i, word in enumerate(out):
        if word is None or word.pos != "GERUND":
            continue
        prev = out[i - 1] if i > 0 else None
        nxt = raw_pos[i + 1] if i + 1 < len(raw_pos) else "PUNCT"
        if prev is not None and prev.pos in ("NOUN", "ADJ") and nxt not in _OBJECT_START:
            word.pos, word.lemma = "NOUN", word.surface.casefold()
        else:
            word.pos = "X"
    return out


_OBJECT_START = frozenset({"DET", "NOUN", "PROPN", "ADJ", "PRON", "NUM", "GERUND"})
_DE_ADJ = re.compile(r"[a-zäöüß]{3,}(?:e|en|er|es|em)$", re.I)


def _de_lemma(word: str) -> str:
    """Lookup lemma of a German word, trying the lower-cased form for capitalised words."""
    table = lemma_table("de")
    for form in (word, word.lower(), word[:1].upper() + word[1:].lower()):
        lemma = table.get(form)
        if lemma is not None:
            return lemma
    return word


def _german_words(doc: Any, lex: Lexicon) -> list[Word | None]:
    """German without a tagger: capitalised words are nouns, inflected words before a noun
    are adjectives; lookup lemmas from spacy-lookups-data."""
    out: list[Word | None] = []
    groups = _merge_compounds(doc)
    surfaces = ["".join(t.text for t in group) for group in groups]
    for i, surface in enumerate(surfaces):
        product = lex.product(surface, "X")
        if product is not None:
            word = Word(surface=surface, lemma=product, pos="PROPN", lang="de", product=product)
            out.append(word)
            continue
        lemma = _de_lemma(surface) if len(groups[i]) == 1 else surface
        if not surface[:1].isalpha() or lex.is_stop(surface, lemma, "de"):
            out.append(None)
            continue
        next_is_noun = i + 1 < len(surfaces) and surfaces[i + 1][:1].isupper()
        if _DE_ADJ.fullmatch(surface) and next_is_noun and (i == 0 or surface[0].islower()):
            pos, lemma = "ADJ", _de_lemma(surface.lower())
        elif surface[0].isupper():
            pos = "NOUN"
        else:
            out.append(None)
            continue
        out.append(Word(surface=surface, lemma=lemma.casefold(), pos=pos, lang="de"))
    return out


def _russian_words(doc: Any, lex: Lexicon) -> tuple[list[Word | None], list[str]]:
    """Russian words via pymorphy3, plus runs of Latin-script words to analyse as English."""
    out: list[Word | None] = []
    fragments: list[str] = []
    latin: list[str] = []

    def flush() -> None:
        if latin:
            fragments.append(" ".join(latin))
            latin.clear()

    for group in _merge_compounds(doc):
        surface = "".join(t.text for t in group)
        if LATIN_LETTER.search(surface) and not CYRILLIC_LETTER.search(surface):
            latin.append(surface)
            out.append(None)
            continue
        flush()
        if not CYRILLIC_LETTER.search(surface):
            out.append(None)
            continue
        lemma, pos = russian_parse(surface.casefold())
        if pos == "X" or lex.is_stop(surface, lemma, "ru"):
            out.append(None)
        else:
            out.append(Word(surface=surface, lemma=lemma, pos=pos, lang="ru"))
    flush()
    return out, fragments


def _other_words(doc: Any, lang: str, lex: Lexicon) -> list[Word | None]:
    out: list[Word | None] = []
    for group in _merge_compounds(doc):
        surface = "".join(t.text for t in group)
        lemma = (group[0].lemma_ if len(group) == 1 else surface) or surface
        product = lex.product(surface, "X")
        if product is not None:
            out.append(
                Word(surface=surface, lemma=product, pos="PROPN", lang=lang, product=product)
            )
        elif surface.isalpha() and len(surface) >= 3 and not lex.is_stop(surface, lemma, lang):
            out.append(Word(surface=surface, lemma=lemma.casefold(), pos="NOUN", lang=lang))
        else:
            out.append(None)
    return out


def load_pipelines() -> None:
    """Load the English and German pipelines and pymorphy3 now (they load on first use)."""
    english_pipeline()
    _german()
    morph_analyzer()


def analyse_words(
    sentences: Sequence[tuple[str, str | None]], lex: Lexicon, *, batch_size: int
) -> list[list[list[Word | None]]]:
    """Analysed words of sentences, one ``nlp.pipe`` batch per language.

    Args:
        sentences: ``(text, language)`` pairs; sentences of unknown language yield nothing.
        lex: Stop words and product names of the run.
        batch_size: Sentences per ``nlp.pipe`` batch.

    Returns:
        Per sentence, the word lists of its pieces: the sentence itself, then (Russian only)
        each run of Latin-script words analysed as English.
    """
    result: list[list[list[Word | None]]] = [[] for _ in sentences]
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, (_, lang) in enumerate(sentences):
        if lang is not None:
            by_lang[lang].append(i)
    if not sentences:
        return result
    english: list[tuple[int, str]] = [(i, sentences[i][0]) for i in by_lang.pop("en", [])]
    for lang in sorted(by_lang):
        idx = by_lang[lang]
        nlp = _german() if lang == "de" else _tokenizer()
        docs = nlp.pipe((sentences[i][0] for i in idx), batch_size=batch_size)
        for i, doc in zip(idx, docs, strict=True):
            if lang == "ru":
                words, fragments = _russian_words(doc, lex)
                english.extend((i, frag) for frag in fragments)
            elif lang == "de":
                words = _german_words(doc, lex)
            else:
                words = _other_words(doc, lang, lex)
            result[i].append(words)
    if english:
        nlp = english_pipeline().nlp
        docs = nlp.pipe((text for _, text in english), batch_size=batch_size)
        for (i, _), doc in zip(english, docs, strict=True):
            result[i].append(_english_words(doc, lex))
    return result
