"""Back-references and note labels: one sentence and its language in, what it leans on out.

A summary is read without its source, so a sentence that points back ("It ...", "Dabei ...",
"Это ...") is picked only together with the sentence before it (see
:func:`~talktopics.summaries.ranking.mmr_select`'s ``requires``), and a note's label
("Fazit:", "Takeaway:", "Описание:") is not summary content. The tables, per language:

======== =====================================================================================
language a sentence refers back when it starts with
======== =====================================================================================
en       it, its, they, them, their, this, these, those, that, such, he, she, his, her,
         both, also, the latter, the former, this way, in this way, in addition
de       dabei, dazu, damit, dadurch, darin, davon, dafür, daher, deshalb, hierbei, hierfür,
         diese(r/s/n/m), dies, er, sie, es (not "es gibt", "es geht um"), auch, außerdem,
         ebenso; "das" only as a pronoun (a lower-case word follows: "Das ist ...")
ru       это, этот, эта, эти, этим, этого, этой, он, она, оно, они, его, её, ее, их, ему,
         ей, им, ещё, еще, также, тоже, такой, такая, такое, такие, таким, там, при этом,
         кроме того, поэтому
======== =====================================================================================

A demonstrative that names the talk itself ("This talk", "Dieser Vortrag", "В этом докладе",
"Этот доклад") does not refer back. Texts of other or unknown languages use the three tables
together.
"""

from __future__ import annotations

import re

from talktopics.nlp.text import label_length

__all__ = ["REFERRING_OPENERS", "refers_back", "strip_label"]

REFERRING_OPENERS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "it",
            "its",
            "they",
            "them",
            "their",
            "this",
            "these",
            "those",
            "that",
            "such",
            "he",
            "she",
            "his",
            "her",
            "both",
            "also",
            "the_latter",
            "the_former",
            "this_way",
            "in_this_way",
            "in_addition",
        ]
    ),
    "de": frozenset(
        [
            "dabei",
            "dazu",
            "damit",
            "dadurch",
            "darin",
            "davon",
            "dafür",
            "daher",
            "deshalb",
            "hierbei",
            "hierfür",
            "diese",
            "dieser",
            "dieses",
            "diesen",
            "diesem",
            "dies",
            "er",
            "sie",
            "es",
            "auch",
            "außerdem",
            "ebenso",
        ]
    ),
    "ru": frozenset(
        [
            "это",
            "этот",
            "эта",
            "эти",
            "этим",
            "этого",
            "этой",
            "он",
            "она",
            "оно",
            "они",
            "его",
            "её",
            "ее",
            "их",
            "ему",
            "ей",
            "им",
            "ещё",
            "еще",
            "также",
            "тоже",
            "такой",
            "такая",
            "такое",
            "такие",
            "таким",
            "там",
            "при_этом",
            "кроме_того",
            "поэтому",
        ]
    ),
}
"""First word (or two, joined by ``_``) of a sentence that points back, per language."""

_SELF_NOUNS = frozenset(
    [
        "talk",
        "talks",
        "session",
        "tutorial",
        "workshop",
        "presentation",
        "keynote",
        "course",
        "lecture",
        "paper",
        "vortrag",
        "vortrags",
        "vortrages",
        "talk",
        "workshop",
        "session",
        "tutorial",
        "präsentation",
        "kurs",
        "beitrag",
        "доклад",
        "докладе",
        "доклада",
        "выступление",
        "выступлении",
        "воркшоп",
        "воркшопе",
        "туториал",
        "лекция",
        "лекции",
    ]
)
"""Nouns that make a demonstrative name the talk itself ("This talk ...")."""

_NOT_REFERRING = frozenset({("es", "gibt"), ("es", "geht")})
"""Openers whose next word makes them expletive ("Es gibt ...", "Es geht um ...")."""

_WORD = re.compile(r"[^\W\d_]+(?:;[^\W\d_]+)?")


def _table(tables: dict[str, frozenset[str]], language: str | None) -> frozenset[str]:
    code = (language or "").split("-")[0].split("_")[0].lower()
    if code in tables:
        return tables[code]
    return frozenset().union(*tables.values())


def refers_back(sentence: str, language: str | None = None) -> bool:
    """True when a sentence starts with a word that points to the sentence before it.

    Args:
        sentence: One sentence.
        language: ISO 639-1 code; None or a language without a table = all tables.

    Returns:
        Whether the sentence should be read after the one before it (see the module table).
    """
    words = [w.lower() for w in _WORD.findall(sentence[:80])][:3]
    if not words:
        return False
    openers = _table(REFERRING_OPENERS, language)
    following = words[1] if len(words) > 1 else ""
    if len(words) > 1 and f"{words[0]}_{words[1]}" in openers:
        return True
    if len(words) > 2 and f"{words[0]}_{words[1]}_{words[2]}" in openers:
        return True
    if words[0] == "das" and (language or "de").startswith("de"):
        rest = _WORD.findall(sentence[:80])
        return len(rest) > 1 and rest[1][:1].islower()
    if words[0] not in openers or (words[0], following) in _NOT_REFERRING:
        return False
    return following not in _SELF_NOUNS


def strip_label(sentence: str, language: str | None = None) -> str:
    """The sentence without a note's leading label ("Fazit: Es lohnt sich." -> "Es lohnt
    sich."; the labels of :data:`~talktopics.nlp.lexicon.NOTE_LABELS` for the language);
    unchanged when it has none or nothing follows the label. The result is a suffix of
    ``sentence``."""
    rest = sentence[label_length(sentence, language) :]
    return rest if rest.strip() else sentence
