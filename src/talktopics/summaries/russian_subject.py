"""Russian sentences whose subject was in the sentence before: one sentence in, a flag out.

Notes drop the subject when the line before names it: "Трубы проверяют на стенде. В
производстве тестируются на реально повреждённых трубах." — *what* is tested is said only in
the first line. No word of the second one points back, so the word tables of
:mod:`~talktopics.summaries.references` cannot see it: the reference is the missing subject
(zero anaphora). :func:`lacks_subject` flags a sentence whose first clause

1. opens (within its first four words) with a **passive or reflexive predicate**: a
   short-form passive participle ("перечислены", "написано") or a finite verb in ``-ся``/
   ``-сь`` ("тестируются", "двигается", "оказалось") — a past-tense verb in the masculine or
   feminine singular is left alone: its subject is a person, in notes the speaker
   ("Переключился на обложку");
2. and holds **no word that can be its subject**: no word that pymorphy3 can read as a
   noun, pronoun or adjective in the nominative, and no Latin-script word (a library's or
   a person's name: "Используются infomap алгоритмы"); a word right after a preposition is
   none ("Обучаются на GPU", "за ночь").

Active verbs without a subject ("Заметили, что ...", "Рассказывает про ...") are the
indefinite-personal and the speaker's sentences of notes: they read on their own.
"""

from __future__ import annotations

import functools
import re

from talktopics.nlp.lemmas import morph_analyzer

__all__ = ["lacks_subject"]

_CLAUSE_END = re.compile(r"[,;:()\u2013\u2014]| - ")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CYRILLIC = re.compile(r"[а-яё]")
_OPENING = 4
"""The predicate must stand among the clause's first words to count as its opening."""
_SUBJECT_POS = frozenset({"NOUN", "NPRO", "ADJF"})


@functools.lru_cache(maxsize=100_000)
def _tag(word: str) -> tuple[str, frozenset[str]]:
    """POS and grammemes of a lower-case Russian word's most probable parse."""
    tag = morph_analyzer().parse(word)[0].tag
    return str(tag.POS), frozenset(str(g) for g in tag.grammemes)


@functools.lru_cache(maxsize=100_000)
def _nominative(word: str) -> bool:
    """Whether any parse of a lower-case Russian word is a noun, pronoun or adjective in the
    nominative ("деньги" is nominative or accusative: it may be the subject); abbreviations
    aside ("в", "со" are prepositions, not the abbreviations pymorphy3 also knows)."""
    return any(
        str(p.tag.POS) in _SUBJECT_POS and "nomn" in p.tag.grammemes and "Abbr" not in p.tag
        for p in morph_analyzer().parse(word)
    )


def _passive_predicate(word: str) -> bool:
    pos, grammemes = _tag(word)
    if pos == "PRTS":
        return True
    if pos != "VERB" or "indc" not in grammemes or not word.endswith(("ся", "сь")):
        return False
    return not ("past" in grammemes and "sing" in grammemes and {"masc", "femn"} & grammemes)


def _may_be_subject(word: str) -> bool:
    if not _CYRILLIC.search(word):
        return True  # a Latin-script name: "Используются infomap алгоритмы"
    return _nominative(word)


def lacks_subject(sentence: str) -> bool:
    """True when a Russian sentence opens with a passive or reflexive predicate and its first
    clause names no subject (see the module docstring): it hangs on the sentence before.

    Args:
        sentence: One Russian sentence.

    Returns:
        Whether the sentence's subject is to be found in the sentence before it.
    """
    clause = _CLAUSE_END.split(sentence, maxsplit=1)[0]
    words = [w.lower() for w in _WORD.findall(clause)]
    predicate = next(
        (i for i, w in enumerate(words[:_OPENING]) if _CYRILLIC.search(w) and _verb_like(w)),
        None,
    )
    if predicate is None or not _passive_predicate(words[predicate]):
        return False
    return not any(
        _may_be_subject(w)
        for i, w in enumerate(words)
        if i != predicate and not (i and _tag(words[i - 1])[0] == "PREP")  # "на GPU", "за ночь"
    )


def _verb_like(word: str) -> bool:
    return _tag(word)[0] in ("VERB", "PRTS", "INFN", "PRED")
