"""Back-references and note labels: one sentence and its language in, what it leans on out.

A summary is read without its source, so a sentence that points back ("It ...", "to tackle
this issue", "In particular, ...", "Dabei ...", "Это ...", "его проект") is picked only
together with the sentence before it (see :func:`~talktopics.summaries.ranking.mmr_select`'s
``requires``), and a note's label ("Fazit:", "Takeaway:", "Описание:") is not summary
content. A sentence points back (:func:`refers_back`) when

1. it **opens** with a pronoun, a demonstrative or a connective that continues an argument
   (:data:`~talktopics.summaries.reference_words.OPENERS`: "It", "Such", "However", "In
   particular", "Following this"; "Dabei", "Allerdings", "Das" + lower-case word; "Это",
   "Однако", "Кроме того");
2. it holds a **demonstrative** anywhere ("this issue", "such a project", "diese Methode",
   "в этом проекте") — unless it names the talk itself ("this talk", "this hands-on workshop",
   "dieser Vortrag", "в этом докладе": a talk noun within three words) or a time ("this
   year"), or it is "such as";
3. it holds a word that **always** points back ("the latter", "does that", "do so", "dabei",
   "ebenfalls", German "er"/"ihn"/"ihm", "ещё", "тоже", a Russian third-person pronoun);
4. it holds an English or German third-person **pronoun** ("how to use them", "his work",
   "weil sie ...") or English "also" with no possible antecedent before it in the sentence:
   a capitalised word that is no stop word (a name; in German any noun), or for
   "they/them/their" a plural-looking word ("tools");
5. (Russian) it opens with a passive or reflexive predicate and names **no subject**
   ("В производстве тестируются на ... трубах"; :func:`~talktopics.summaries.
   russian_subject.lacks_subject`);
6. (Russian) it says something happens **again** ("опять", "снова") and the sentence before
   shares a content word with it.

:func:`reaches_back` tells these apart from sentences that lean on something the sentence
before cannot supply, which are never picked: one ending in "here"/"hier"/"тут"/"здесь"
(it pointed at a link the cleaning removed: "The slides are here."), and an "again" sentence
whose predecessor shares no content word with it (the first time was further back).

The tables are in :mod:`~talktopics.summaries.reference_words`. Texts of other or unknown
languages use the three languages' tables together. The rule errs on the side of "points
back": a false alarm only costs a sentence its place when its predecessor cannot come along.
"""

from __future__ import annotations

import re
from typing import Literal

from talktopics.nlp.lexicon import stop_words
from talktopics.nlp.text import label_length
from talktopics.summaries.ranking import content_words
from talktopics.summaries.reference_words import (
    ANYWHERE,
    DEICTIC_DETERMINERS,
    DEICTIC_NOUNS,
    DEMONSTRATIVES,
    NOT_REFERRING,
    OPENERS,
    PLURAL_PRONOUNS,
    PRONOUNS,
    REPETITIONS,
    SELF_NOUNS,
    TRAILING_POINTERS,
)
from talktopics.summaries.russian_subject import lacks_subject

__all__ = ["REFERRING_OPENERS", "Reach", "reaches_back", "refers_back", "strip_label"]

Reach = Literal["none", "previous", "beyond"]
"""What a sentence leans on: nothing, the sentence right before it, or something no
neighbour can supply (a removed link, an earlier mention)."""

REFERRING_OPENERS = OPENERS
"""First word (or words, joined by ``_``) of a sentence that points back, per language."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_PRESENT = re.compile(r"\bdabei(?=\s*(?:[,.;:!?)]|$))", re.IGNORECASE)
"""German "dabei" closing a clause: "being there", not "in doing so"."""
_POSSESSIVE = re.compile(r"['’]s$")
_TRAILING = re.compile(r"(?<!\w)(?:" + "|".join(sorted(TRAILING_POINTERS)) + r")\W*$", re.I)
"""A sentence's last word pointed at a link ("The slides are here.")."""


def _table(tables: dict[str, frozenset[str]], language: str | None) -> frozenset[str]:
    code = (language or "").split("-")[0].split("_")[0].lower()
    if code in tables:
        return tables[code]
    return frozenset().union(*tables.values())


def _code(language: str | None) -> str:
    return (language or "").split("-")[0].split("_")[0].lower()


def _opens_with_reference(words: list[str], lower: list[str], language: str | None) -> bool:
    """Rule 1: the sentence's first word(s) point back."""
    openers = _table(OPENERS, language)
    following = lower[1] if len(lower) > 1 else ""
    for size in (3, 2):
        if len(lower) >= size and "_".join(lower[:size]) in openers:
            return not _adjectival(lower, size - 1, language)
    if lower[0] == "das" and _code(language) in ("de", ""):
        return len(words) > 1 and words[1][:1].islower()
    if lower[0] not in openers or _not_referring(lower[0], following):
        return False
    if lower[0] in DEICTIC_DETERMINERS and following in DEICTIC_NOUNS:
        return False  # "This year ...", "Next week's ...": now, not before
    return not _names_talk(lower, 1)


def _names_talk(lower: list[str], start: int) -> bool:
    """Whether a talk noun stands within three words from ``lower[start]`` ("this hands-on
    workshop", "So, in this talk"); "of course" is no course."""
    return any(
        word in SELF_NOUNS and not (word == "course" and j > 0 and lower[j - 1] == "of")
        for j, word in enumerate(lower[start : start + 3], start=start)
    )


def _not_referring(word: str, following: str) -> bool:
    """A pair that names what it means ("such as", "those who", "those affected")."""
    return (word, following) in NOT_REFERRING or (word == "those" and following.endswith("ed"))


def _points_back_inside(words: list[str], lower: list[str], language: str | None) -> bool:
    """Rules 2-4: a demonstrative, an always-referring word or an unanchored pronoun."""
    demonstratives = _table(DEMONSTRATIVES, language)
    anywhere = _table(ANYWHERE, language)
    pronouns = _table(PRONOUNS, language)
    code = _code(language)
    for i, word in enumerate(lower):
        following = lower[i + 1] if i + 1 < len(lower) else ""
        if word in anywhere:
            return True
        if f"{word}_{following}" in anywhere and not _adjectival(lower, i + 1, language):
            return True
        if word in demonstratives and following:
            if _not_referring(word, following) or _names_talk(lower, i + 1):
                continue  # "such as", "this (short|hands-on) talk"
            if following not in DEICTIC_NOUNS and not _named_before(lower, i, language):
                return True
        if i > 0 and word in pronouns and not _anchored(words, lower, i, code):
            return True
    return False


def _adjectival(lower: list[str], i: int, language: str | None) -> bool:
    """Whether "former"/"latter" at ``lower[i]`` qualifies the content word after it ("the
    former Nazi camp", "the latter half"), not a noun phrase said before ("the former is")."""
    if lower[i] not in ("former", "latter") or i + 1 >= len(lower):
        return False
    return lower[i + 1] not in stop_words(_code(language) or None)


def _named_before(lower: list[str], i: int, language: str | None) -> bool:
    """Whether the noun phrase of the demonstrative ``lower[i]`` (its next two content words)
    names something said earlier in the same sentence ("a common type of ink ... this type
    of ink")."""
    stops = stop_words(_code(language) or None)
    phrase = [w for w in lower[i + 1 : i + 3] if w not in stops][:2]
    return bool(phrase) and phrase[0] in lower[:i]


def _anchored(words: list[str], lower: list[str], i: int, code: str) -> bool:
    """Whether the pronoun ``words[i]`` may lean on a word before it in the same sentence."""
    if code == "de" and words[i][:1].isupper():
        return True  # "Sie", "Ihre": the formal "you", not a pronoun pointing back
    stops = stop_words(code or None)
    for j in range(i):
        if words[j][:1].isupper() and re.split("['’]", lower[j])[0] not in stops:
            return True  # a name, or (German) any noun
    if lower[i] in PLURAL_PRONOUNS:
        return any(len(w) > 3 and w.endswith("s") and not w.endswith("ss") for w in lower[:i])
    return False


def refers_back(sentence: str, language: str | None = None) -> bool:
    """True when a sentence points to something said before it (see the module docstring):
    it does not read on its own, whatever comes before it.

    Args:
        sentence: One sentence.
        language: ISO 639-1 code; None or a language without a table = all tables.

    Returns:
        Whether the sentence should be read after the one before it (or not at all).
    """
    return reaches_back(sentence, None, language) != "none"


def reaches_back(sentence: str, previous: str | None, language: str | None = None) -> Reach:
    """What a sentence leans on, given the sentence before it (see the module docstring).

    Args:
        sentence: One sentence.
        previous: The sentence right before it in its text; None = none or unknown.
        language: ISO 639-1 code; None or a language without a table = all tables.

    Returns:
        "none" (it reads on its own), "previous" (it reads right after ``previous``) or
        "beyond" (no neighbour makes it read right: never pick it).
    """
    words = _WORD.findall(sentence)
    if not words:
        return "none"
    lower = _lower(words)
    if _TRAILING.search(sentence):
        return "beyond"
    if _table(REPETITIONS, language).intersection(lower):
        if previous is None or not _share_content(sentence, previous, language):
            return "beyond"
        return "previous"
    if _opens_with_reference(words, lower, language):
        return "previous"
    inner = _PRESENT.sub(" ", sentence)  # "2018 mit Observability dabei, ..." = was there
    words = _WORD.findall(inner)
    if _points_back_inside(words, _lower(words), language):
        return "previous"
    if _code(language) in ("ru", "") and lacks_subject(sentence):
        return "previous"
    return "none"


def _lower(words: list[str]) -> list[str]:
    """Lower-case words without a possessive or clitic "'s" ("this year's" -> "this year",
    "It's" -> "it")."""
    return [_POSSESSIVE.sub("", w.lower()) for w in words]


def _share_content(sentence: str, previous: str, language: str | None) -> bool:
    mine, theirs = content_words([sentence, previous], language)
    return bool((mine & theirs) - _table(REPETITIONS, language))


def strip_label(sentence: str, language: str | None = None) -> str:
    """The sentence without a note's leading label ("Fazit: Es lohnt sich." -> "Es lohnt
    sich."; the labels of :data:`~talktopics.nlp.lexicon.NOTE_LABELS` for the language);
    unchanged when it has none or nothing follows the label. The result is a suffix of
    ``sentence``."""
    rest = sentence[label_length(sentence, language) :]
    return rest if rest.strip() else sentence
