"""The word tables of back-references, per language (en, de, ru): data only, no logic.

:mod:`talktopics.summaries.references` reads them. Multi-word entries are joined by ``_``.

* :data:`OPENERS` — the first word(s) of a sentence that lean on the sentence before it: a
  pronoun ("It ...", "Dabei ...", "Это ..."), a demonstrative, or a connective that continues
  an argument ("However, ...", "In particular, ...", "Allerdings ...", "Однако ...").
* :data:`DEMONSTRATIVES` — determiners that point back wherever they stand, unless the next
  word names the talk itself (:data:`SELF_NOUNS`) or a time (:data:`DEICTIC_NOUNS`: "this
  year"): "to tackle this issue", "solche Werkzeuge", "в этом проекте".
* :data:`ANYWHERE` — words that point back wherever they stand: "the latter", "does that",
  "do so", "dabei", "ebenfalls", "ещё", "тоже", Russian third-person pronouns.
* :data:`REPETITIONS` — "again" words (Russian "опять", "снова"): they lean on the sentence
  before only when it shares a content word with theirs.
* :data:`TRAILING_POINTERS` — a sentence ending in "here", "hier", "тут", "здесь" pointed at
  a link that is gone.
* :data:`PRONOUNS` — third-person pronouns that point back unless the sentence names a
  possible antecedent before them (a capitalised word after the first, or for the plural
  ones a plural noun): "how to test them", "his biology project"; English "also" goes by the
  same rule ("The middleware will also ..." leans on a dropped sentence, "Pandas also ..."
  does not).
"""

from __future__ import annotations

__all__ = [
    "ANYWHERE",
    "DEICTIC_DETERMINERS",
    "DEICTIC_NOUNS",
    "DEMONSTRATIVES",
    "NOT_REFERRING",
    "OPENERS",
    "PLURAL_PRONOUNS",
    "PRONOUNS",
    "REPETITIONS",
    "SELF_NOUNS",
    "TRAILING_POINTERS",
]


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_EN_CONNECTIVES = (
    "however though therefore thus hence furthermore moreover additionally besides "
    "consequently nevertheless nonetheless instead likewise similarly otherwise then "
    "afterwards still in_particular in_addition in_contrast as_a_result after_that "
    "following_this because_of_this on_the_other_hand for_this_reason apart_from_this "
    "the_latter the_former the_same this_way in_this_way but and yet so next indeed in_fact "
    "what_is_more on_top_of_that even_so"
)
_DE_CONNECTIVES = (
    "allerdings jedoch zudem ferner außerdem trotzdem dennoch somit danach anschließend "
    "insbesondere weiterhin darüber_hinaus stattdessen ebenso ebenfalls deswegen folglich "
    "dann dort hierzu hiermit hierbei hierfür daraufhin darauf daraus darum darüber "
    "dagegen dabei dazu damit dadurch darin davon dafür daher deshalb auch zusätzlich "
    "im_gegenzug im_übrigen aber und doch sondern nämlich tatsächlich"
)
_RU_CONNECTIVES = (
    "однако поэтому также тоже ещё еще затем потом зато но а и здесь тут там причём причем "
    "кроме_того при_этом в_частности тем_не_менее после_этого в_итоге более_того "
    "к_тому_же помимо_этого в_результате ведь то_есть действительно"
)

OPENERS: dict[str, frozenset[str]] = {
    "en": frozenset(
        (
            "it its they them their this these those that such he she his her him both also "
            + _EN_CONNECTIVES
        ).split()
    ),
    "de": frozenset(
        (
            "diese dieser dieses diesen diesem dies er sie es solche "
            "sein seine seinen seinem seiner seines " + _DE_CONNECTIVES
        ).split()
    ),
    "ru": frozenset(
        (
            "это этот эта эти этим этого этой этом этих эту этому он она оно они его её ее их "
            "ему ей им ним ней нем нём него неё нее такой такая такое такие таким такого "
            "таких такую такими " + _RU_CONNECTIVES
        ).split()
    ),
}
"""First word (or words, joined by ``_``) of a sentence that points back."""

DEMONSTRATIVES: dict[str, frozenset[str]] = {
    "en": _set("this these those such"),
    "de": _set(
        "diese dieser dieses diesen diesem solche solcher solches solchen solchem "
        "genannte genannten genannter"
    ),
    "ru": _set(
        "этот эта это эти этим этого этой этом этих эту этому такой такая такое такие "
        "таким такого таких такую такими такому данный данная данное данные данном"
    ),
}
"""Determiners that point back inside a sentence (the next word is checked)."""

ANYWHERE: dict[str, frozenset[str]] = {
    "en": _set(
        "the_latter the_former the_above aforementioned "
        "do_that does_that did_that doing_that done_that do_so does_so did_so doing_so"
    ),
    "de": _set(
        "dabei dadurch darin davon dafür hierbei hierfür hierzu ebenfalls "
        "letztere letzteren ersteren obige obigen vorherige vorherigen vorherigem er ihn ihm"
    ),
    "ru": _set(
        "ещё еще тоже он она оно они его её ее их ему ей им ним ней нем нём него неё нее "
        "ними них нему вышеупомянутый последний предыдущий предыдущая "
        "предыдущее предыдущие предыдущего предыдущей предыдущему предыдущим предыдущем "
        "предыдущих предыдущую"
    ),
}
"""Words that point back wherever they stand."""

REPETITIONS: dict[str, frozenset[str]] = {"ru": _set("опять снова")}
"""Words that say something happens again: they lean on the sentence before when it shares
a content word with theirs ("Снова фиксируем seed" after "Фиксируем seed"), else on
something further back that no pair can bring along."""

TRAILING_POINTERS = _set("here hier тут здесь")
"""Last words of a sentence that pointed at a link the cleaning removed ("The slides are
here", "Folien gibt es hier", "Код тут")."""

PRONOUNS: dict[str, frozenset[str]] = {
    "en": _set("they them their he him his she her also"),
    "de": _set("sie ihr ihre ihren ihrem ihrer"),
}
"""Third-person pronouns inside a sentence (and English "also"): they point back unless a
possible antecedent precedes them."""

PLURAL_PRONOUNS = _set("they them their")
"""English pronouns whose antecedent may be a plural noun ("tools ... them")."""

SELF_NOUNS = _set(
    """talk talks session tutorial workshop presentation keynote course lecture paper poster
    panel demo sprint training webinar
    vortrag vortrags vortrages präsentation kurs beitrag
    доклад докладе доклада докладу докладом выступление выступлении выступления воркшоп
    воркшопе туториал лекция лекции"""
)
"""Nouns that make a demonstrative name the talk itself ("This talk ...")."""

DEICTIC_NOUNS = _set(
    """year years week weeks month months time times morning evening afternoon weekend
    season summer winter spring autumn day days century decade point moment stage quarter
    monday tuesday wednesday thursday friday saturday sunday
    jahr jahres woche monat mal zeit tag
    год году года неделе месяц раз время"""
)
"""Nouns that make a demonstrative point at the present, not back ("this year", "this
time", "dieses Jahr", "в этом году"); also "such as" (see :data:`NOT_REFERRING`)."""

DEICTIC_DETERMINERS = _set("this these next dieses diese diesen diesem nächste nächsten")
"""Openers that, before a time noun (:data:`DEICTIC_NOUNS`), point at the present: "This
year ...", "Next week's strike ...", "Diese Woche ..." (but "That year ..." points back)."""

NOT_REFERRING = frozenset(
    {("es", "gibt"), ("es", "geht"), ("such", "as"), ("that", "is"), ("dann", "wenn")}
    | {("those", w) for w in _set("who whose which that of in with at for on from")}
)
"""Word pairs that do not refer back ("Es gibt ...", "such as", "that is, ...", "those who
...", where what follows says what is meant); so does "those" before a participle in -ed
("those affected")."""
