"""Word class of a single-word term, out of context: (key, display form, language) in, "noun",
"adj" or "other" out.

Cross-language merging (:func:`talktopics.nlp.merge.merge_translations`) pairs only terms of
one class: an embedder puts "экспериментальный" (experimental) next to "experiment" and
"algorithmischer" next to "algorithm", which are not one concept. Russian words get their
class from pymorphy3, German words from their written form (nouns are capitalised; lower-case
words with a German inflection are adjectives or verbs), English and other Latin-script words
from the English tagger run on the word alone (it tells "robust" and "create" from "version").
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from talktopics.nlp.english import english_package, english_pipeline
from talktopics.nlp.words import russian_parse
from talktopics.store import SqliteCache

__all__ = ["WORD_CLASSES", "adjective_only_words", "word_classes"]

WORD_CLASSES = ("noun", "adj", "other")

_EN_CLASS = {"NN": "noun", "NNS": "noun", "NNP": "noun", "NNPS": "noun", "VBG": "noun"}
_EN_CLASS.update({"JJ": "adj", "JJR": "adj", "JJS": "adj"})

_GERMAN_INFLECTED = re.compile(r".*(?:en|ern|eln|er|es|em|te|isch|lich|ig|bar|sam|haft|iv|ell)$")
"""Endings of a lower-case German word that is an adjective or a verb form (not a noun)."""


def _tag(words: Sequence[str]) -> list[str]:
    """Class of each English word, tagged alone (by the process's one English pipeline)."""
    if english_package() is None or not words:
        return ["other"] * len(words)
    out = []
    for doc in english_pipeline().nlp.pipe(words, batch_size=512):
        out.append(_EN_CLASS.get(doc[0].tag_, "other") if len(doc) == 1 else "other")
    return out


@functools.cache
def _namespace() -> str:
    """The class cache's namespace: spaCy's and the English pipeline's versions, this code
    and the code that sets the pipeline up (:mod:`talktopics.nlp.english`)."""
    from importlib.metadata import PackageNotFoundError, version

    from talktopics.nlp import english

    parts = [Path(path).read_text(encoding="utf-8") for path in (__file__, english.__file__)]
    for package in ("spacy", english_package() or "-"):
        try:
            parts.append(f"{package}={version(package)}")
        except (PackageNotFoundError, ValueError):
            parts.append(f"{package}=?")
    return "wordclass:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _english_classes(words: Sequence[str], cache_dir: Path | None) -> list[str]:
    """Class of each English word: from the cache in ``cache_dir`` where known, else tagged."""
    if cache_dir is None or not words:
        return _tag(words)
    store = SqliteCache(cache_dir / "terms.sqlite3")
    try:
        keys = sorted({w.encode("utf-8", "surrogatepass") for w in words})
        known = {
            key: value.decode()
            for key, value in store.get_many(_namespace(), keys).items()
            if value.decode("utf-8", "replace") in WORD_CLASSES
        }
        todo = [key for key in keys if key not in known]
        if todo:
            tagged = _tag([key.decode("utf-8", "surrogatepass") for key in todo])
            known.update(zip(todo, tagged, strict=True))
            store.put_many(_namespace(), [(key, known[key].encode()) for key in todo])
        return [known[w.encode("utf-8", "surrogatepass")] for w in words]
    finally:
        store.close()


def word_classes(
    terms: Sequence[tuple[str, str, str]], *, cache_dir: Path | None = None
) -> list[str]:
    """Word class of each single-word term.

    Args:
        terms: (key, display form, language) per term; the key is the term's lemma.
        cache_dir: Folder of the English classes' cache; None = tag every word.

    Returns:
        "noun", "adj" or "other" per term ("other" for phrases, verbs and words whose class
        cannot be told), in input order.
    """
    out = ["other"] * len(terms)
    english: list[int] = []
    for i, (key, display, lang) in enumerate(terms):
        if " " in key:
            continue
        if lang == "ru":
            pos = russian_parse(key)[1]
            out[i] = {"NOUN": "noun", "ADJ": "adj"}.get(pos, "other")
        elif lang == "de" and display[:1].isupper():
            out[i] = "noun"
        elif lang == "de" and _GERMAN_INFLECTED.fullmatch(key):
            out[i] = "other"
        else:
            english.append(i)
    classes = _english_classes([terms[i][0] for i in english], cache_dir)
    for i, cls in zip(english, classes, strict=True):
        out[i] = cls
    return out


@functools.cache
def adjective_only_words() -> frozenset[str]:
    """English words WordNet lists as adjectives and not as nouns ("neural", "computational";
    not "binary", which is a noun too): the word lists of the English pipeline's lemmatizer
    (spacy-lookups-data), 17,845 lower-case words; empty without the English pipeline."""
    if english_package() is None:
        return frozenset()
    index = english_pipeline().lemmatizer.lookups.get_table("lemma_index", {})
    return frozenset(index.get("adj", ())) - frozenset(index.get("noun", ()))
