"""People's names stay out of the topic terms and labels (unit tests, then a real programme
from ../shared)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import shared_path
from talktopics.nlp.persons import person_terms
from talktopics.records import Talk
from talktopics.topics.describe import topic_terms


def test_hidden_terms_get_no_weight() -> None:
    counts = sp.csr_matrix(np.array([[2, 1, 0], [1, 0, 3]]))
    vocabulary = topic_terms(
        counts,
        ("Guido", "asyncio", "Django"),
        np.eye(3, dtype=np.float32),
        10,
        hidden=frozenset({"Guido"}),
    )
    assert vocabulary.tf[:, 0].nnz == 0
    assert vocabulary.tf[:, 1].nnz == 1 and vocabulary.tf[:, 2].nnz == 1


def test_person_terms_finds_names_not_libraries() -> None:
    pytest.importorskip("spacy")
    from talktopics.nlp.english import english_package

    if english_package() is None:
        pytest.skip("no English spaCy pipeline")
    texts = [
        "Guido van Rossum created Python. Django and Julia are used here.",
        "As Guido van Rossum said in his keynote, Django makes the web easy.",
        "We thank Guido van Rossum. Julia is a language; Django is a framework.",
        "Notebooks are great. The notebooks run Julia and Django.",
    ]
    talks = [Talk(id=str(i), title="A talk", abstract=t) for i, t in enumerate(texts)]
    display = ("Guido", "Django", "Julia", "Notebooks")
    counts = sp.csr_matrix(np.array([[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1]]))
    assert person_terms(talks, counts, display) == {"Guido"}


# --- real programmes --------------------------------------------------------------------------


@pytest.mark.real
def test_person_names_on_a_real_programme() -> None:
    """JuliaCon 2023: people's names found; the language and the libraries are not people."""
    from talktopics.ingest import read_talks
    from talktopics.nlp import extract_terms

    path = shared_path("corpora", "pretalx", "juliacon-2023", "talks.json")
    talks = [t for t in read_talks([path]).talks if t.has_text]
    terms = extract_terms(talks)
    persons = person_terms(talks, terms.counts, terms.display)
    assert persons, "no person names found"
    technical = {"Julia", "Django", "pandas", "Pandas", "JuMP", "Flux", "Makie", "Pluto", "CUDA"}
    assert not persons & technical, persons & technical
    # Measured: every name found is a given name or surname except "Kilometer Array"
    # (the Square Kilometre Array telescope), 2 of 69 on the research cut of the set.
    wrong = {p for p in persons if "Kilometer" in p or "Array" in p}
    assert len(wrong) <= 0.1 * len(persons), sorted(persons)
