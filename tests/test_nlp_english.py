"""The English spaCy pipeline is loaded once per process and shared (talktopics.nlp.english):
term extraction, word classes and the person-name check give what their own loads gave."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from talktopics.config import NLPConfig
from talktopics.nlp.english import english_package, english_pipeline, run_components
from talktopics.nlp.lexicon import Lexicon
from talktopics.nlp.persons import person_terms
from talktopics.nlp.spacy_import import import_spacy
from talktopics.nlp.wordclass import word_classes
from talktopics.nlp.words import analyse_words
from talktopics.records import Talk

pytestmark = pytest.mark.skipif(english_package() is None, reason="no English spaCy pipeline")

TEXTS = [
    "Guido van Rossum created Python, and Django runs on it.",
    "Data scientists trained robust models on experimental notebooks in Berlin.",
    "As Ada Lovelace wrote, the engine might compose elaborate pieces of music.",
]
WORDS = ["model", "robust", "create", "version", "experiments", "Python", "interactive"]


def test_one_load_serves_terms_word_classes_and_persons(monkeypatch: pytest.MonkeyPatch) -> None:
    spacy = import_spacy()
    loads: list[str] = []
    real_load = spacy.load

    def counting_load(name: str, **kwargs: Any) -> Any:
        loads.append(name)
        return real_load(name, **kwargs)

    monkeypatch.setattr(spacy, "load", counting_load)
    english_pipeline.cache_clear()
    try:
        analyse_words([(t, "en") for t in TEXTS], Lexicon(NLPConfig()), batch_size=8)
        word_classes([(w.lower(), w, "en") for w in WORDS])
        talks = [Talk(id=str(i), title="A talk", abstract=t) for i, t in enumerate(TEXTS * 2)]
        counts = sp.csr_matrix(np.ones((len(talks), 1), dtype=np.int32))
        person_terms(talks, counts, ("Guido",))
    finally:
        english_pipeline.cache_clear()
    assert loads == [english_package()]


def test_shared_pipeline_tags_and_recognises_as_its_own_loads() -> None:
    """The tagger and the recogniser of the shared pipeline give what a pipeline of just that
    component gave (the loads the word classes and the person check had before)."""
    spacy = import_spacy()
    name = english_package()
    nlp = english_pipeline().nlp
    enabled = list(nlp.pipe_names)
    tagger_only = spacy.load(
        name, exclude=["parser", "ner", "senter", "lemmatizer", "attribute_ruler"]
    )
    ner_only = spacy.load(
        name,
        exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"],
    )
    texts = WORDS + TEXTS
    shared_tags = [[t.tag_ for t in doc] for doc in nlp.pipe(texts, batch_size=512)]
    own_tags = [[t.tag_ for t in doc] for doc in tagger_only.pipe(texts, batch_size=512)]
    assert shared_tags == own_tags
    shared_ents = [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in run_components(nlp, texts, ["ner"])
    ]
    own_ents = [
        [(e.start_char, e.end_char, e.label_) for e in d.ents] for d in ner_only.pipe(texts)
    ]
    assert shared_ents == own_ents
    assert any(label == "PERSON" for ents in shared_ents for _, _, label in ents)
    assert nlp.pipe_names == enabled  # running the recogniser enabled nothing for good
    assert not any(doc.ents for doc in nlp.pipe(TEXTS))
