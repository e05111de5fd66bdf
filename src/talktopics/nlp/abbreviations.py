"""Abbreviations per language: the one table the sentence splitter reads (a language code in,
its abbreviations out).

:data:`ABBREVIATIONS` never end a sentence ("e.g.", "z.B.", "т.е."); :data:`TERMINAL_ABBREVIATIONS`
end one when a capitalised word follows ("etc.", "usw.", "и т.д."). spaCy's tokenizer exceptions
(titles such as "Dr.", months, ...) come on top, see :mod:`talktopics.nlp.sentences`.
"""

from __future__ import annotations

__all__ = ["ABBREVIATIONS", "TERMINAL_ABBREVIATIONS"]

ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "e.g.",
        "i.e.",
        "vs.",
        "cf.",
        "approx.",
        "incl.",
        "esp.",
        "resp.",
        "fig.",
        "figs.",
        "eq.",
        "eqs.",
        "al.",
        "ca.",
        "viz.",
        "w.r.t.",
        "dept.",
        "univ.",
        "ver.",
        "sec.",
        "vol.",
        "pp.",
    ),
    "de": (
        "z.B.",
        "z.b.",
        "d.h.",
        "u.a.",
        "bzw.",
        "vgl.",
        "ggf.",
        "evtl.",
        "inkl.",
        "ca.",
        "bspw.",
        "sog.",
        "insb.",
        "z.T.",
        "u.U.",
        "o.ä.",
        "Abb.",
        "Kap.",
        "Bsp.",
        "e.g.",
        "i.e.",
        "al.",
    ),
    "ru": (
        "напр.",
        "т.е.",
        "т.к.",
        "т.н.",
        "т.ч.",
        "т.о.",
        "см.",
        "ср.",
        "рис.",
        "табл.",
        "гл.",
        "проф.",
        "акад.",
        "доц.",
        "им.",
        "англ.",
        "нем.",
        "рус.",
        "лат.",
        "франц.",
        "букв.",
        "прим.",
        "стр.",
        "мб.",
        "вкл.",
        "искл.",
        "e.g.",
        "i.e.",
        "vs.",
        "al.",
    ),
}
"""Abbreviations that spaCy's tokenizer exceptions lack, per language. Non-terminal: a
capitalised word after them does not start a new sentence ("e.g. Python", "напр. Pandas").
Each also counts with a capital first letter (sentence-initial "Т.е.")."""

TERMINAL_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "en": ("etc.", "Inc.", "Ltd.", "Co.", "Corp.", "Bros."),
    "de": ("etc.", "usw.", "u.s.w.", "usf.", "u.v.m.", "uvm.", "Chr.", "Inc.", "Ltd.", "Co."),
    "ru": ("т.д.", "т.п.", "и т.д.", "и т.п.", "и др.", "и пр.", "др.", "пр.", "etc.", "гг."),
}
"""Abbreviations that often end a sentence, per language: a capitalised word after them
starts a new one."""
