"""Self-contained summaries: back-references come with what they lean on; labels go."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import FakeEmbedder
from talktopics.config import SummaryConfig
from talktopics.records import Talk
from talktopics.summaries import summarize_talk
from talktopics.summaries.ranking import mmr_select
from talktopics.summaries.references import refers_back, strip_label


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("en", "It runs on every laptop.", True),
        ("en", "They wrote a parser for it.", True),
        ("en", "This way the queue never blocks.", True),
        ("en", "Such tools help a lot.", True),
        ("en", "This talk shows a parser.", False),
        ("en", "Parsers are everywhere.", False),
        ("de", "Dabei hilft ein kleiner Trick.", True),
        ("de", "Das ist schneller als gedacht.", True),
        ("de", "Das Paket ist neu.", False),
        ("de", "Es gibt drei Varianten.", False),
        ("de", "Dieser Vortrag zeigt Beispiele.", False),
        ("ru", "Это работает быстрее.", True),
        ("ru", "Они написали свой брокер.", True),
        ("ru", "Ещё один пример с кэшем.", True),
        ("ru", "Этот доклад про очереди.", False),
        ("ru", "Брокер написан на Go.", False),
    ],
)
def test_refers_back(language: str, sentence: str, expected: bool) -> None:
    assert refers_back(sentence, language) is expected


def test_note_labels_are_stripped_and_content_kept() -> None:
    assert strip_label("Fazit: Der Umstieg lohnt sich.", "de") == "Der Umstieg lohnt sich."
    assert strip_label("Takeaway: measure before you tune", "en") == "measure before you tune"
    assert strip_label("Описание: доклад про очереди", "ru") == "доклад про очереди"
    assert strip_label("Python 3: what changed", "en") == "Python 3: what changed"


def test_mmr_picks_a_back_reference_only_with_its_antecedent() -> None:
    relevance = np.array([0.1, 1.0, 0.5, 0.4])
    similarity = np.eye(4)
    requires = [None, 0, None, -1]
    assert sorted(mmr_select(relevance, similarity, 2, requires=requires)) == [0, 1]
    # One slot left: the back-reference cannot come with its antecedent, so neither.
    assert mmr_select(relevance, similarity, 1, requires=requires) == [2]
    assert 3 not in mmr_select(relevance, similarity, 4, requires=requires)


def test_talk_summary_never_starts_with_a_dangling_pronoun(fake_embedder: FakeEmbedder) -> None:
    description = (
        "Graph databases store relations as first-class data. "
        "They make deep traversals cheap compared to joins. "
        "We benchmark three engines on social network data. "
        "Takeaway: pick the engine by your query shapes."
    )
    talk = Talk(id="t", title="Graphs", description=description, language="en")
    for k in (1, 2, 3):
        summary = summarize_talk(
            talk, embedder=fake_embedder, config=SummaryConfig(talk_sentences=k)
        )
        sentences = list(summary.sentences)
        for n, sentence in enumerate(sentences):
            if sentence.startswith("They"):
                assert n > 0 and sentences[n - 1].startswith("Graph databases")
        assert all(not s.startswith("Takeaway") for s in sentences)


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # English: connectives, demonstratives and pronouns inside a sentence.
        ("en", "However, the cache grows without bound.", True),
        ("en", "In particular, the scheduler needs more memory.", True),
        ("en", "Following this, we port the parser to Rust.", True),
        ("en", "But what kinds of tests are there?", True),
        ("en", "In fact, nobody reads the logs.", True),
        ("en", "So, in this talk we build a compiler.", False),
        ("en", "We show a cheap way to avoid this problem.", True),
        ("en", "Maintaining such a library takes years.", True),
        ("en", "The broker will also retry failed jobs.", True),
        ("en", "You will learn how to profile them.", True),
        ("en", "The speaker explains why his approach scales.", True),
        ("en", "Parsers turn text into trees, and we write them by hand.", False),
        ("en", "Kubernetes also runs batch jobs.", False),
        ("en", "We'll also see the test runners.", True),
        ("en", "Ada Lovelace explains how she wrote the first program.", False),
        ("en", "Profits rose this year.", False),
        ("en", "Tools such as pytest make testing easy.", False),
        ("en", "The grant helps those who maintain packages.", False),
        ("en", "In this talk we build a compiler.", False),
        # "do that", "do so": a pro-verb for something said before.
        ("en", "I released PySnooper as a small project that does that, and it took off.", True),
        ("en", "We show how to do so without a GPU.", True),
        ("en", "We show that the cache does its job.", False),
        ("en", "And of course the most important reason is speed.", True),  # no course
        ("en", "Such a course needs no setup.", False),
        # German: pronominal adverbs, demonstratives, pronouns without an antecedent.
        ("de", "Allerdings kostet der Umstieg Zeit.", True),
        ("de", "Aber wie misst man Latenz?", True),
        ("de", "Man spart dabei viel Speicher.", True),
        ("de", "Anna, 2018 schon dabei, zeigte Pandas.", False),
        ("de", "Wir zeigen, wie solche Pipelines ausfallen.", True),
        ("de", "Am Ende wird diese Methode verglichen.", True),
        ("de", "Am Ende wird gezeigt, warum sie schneller ist.", True),
        ("de", "In diesem Vortrag bauen wir einen Compiler.", False),
        ("de", "Die Methode ist schnell, weil sie Typen kennt.", False),
        ("de", "Mit einem Tracing-Ansatz zeigte er die Wartezeiten.", True),
        ("de", "Danach lernen Sie, wie man Pakete baut.", True),
        ("de", "Am Ende lernen Sie, wie man Pakete baut.", False),
        ("de", "Pandas lädt Tabellen in den Speicher.", False),
        ("de", "Sein Rat zu Metriken: keine Request-IDs als Label.", True),  # whose advice?
        # Russian: pronouns and demonstratives wherever they stand.
        ("ru", "Однако очередь растёт без ограничений.", True),
        ("ru", "Ведь очередь растёт без ограничений.", True),
        ("ru", "Кроме того, брокер повторяет задачи.", True),
        ("ru", "Пример применения для его проекта по биологии.", True),
        ("ru", "В этом проекте всё устроено иначе.", True),
        ("ru", "Для таких задач нужен кэш.", True),
        ("ru", "Показали ещё пару графиков.", True),
        ("ru", "Опять напоминание про random seed.", True),
        ("ru", "Совместимо со всем предыдущим.", True),
        ("ru", "В этом докладе рассказали про очереди.", False),
        ("ru", "В этом году конференция прошла в Карлсруэ.", False),
        ("ru", "Брокер написан на Go и хранит задачи в Redis.", False),
    ],
)
def test_refers_back_inside_a_sentence(language: str, sentence: str, expected: bool) -> None:
    assert refers_back(sentence, language) is expected


@pytest.mark.parametrize(
    ("language", "text", "referring"),
    [
        (
            "en",
            "Message queues decouple producers from consumers. "
            "We compare five brokers on latency and throughput. "
            "In particular, the slowest one loses messages under load. "
            "Benchmarks ran on a laptop with eight cores. "
            "The results favour brokers with a write-ahead log.",
            "In particular",
        ),
        (
            "de",
            "Nachrichtenschlangen entkoppeln Erzeuger und Verbraucher. "
            "Wir vergleichen fünf Broker nach Latenz und Durchsatz. "
            "Am Ende verliert dabei der langsamste Broker Nachrichten. "
            "Die Messungen liefen auf einem Laptop mit acht Kernen. "
            "Broker mit einem Protokoll vor dem Schreiben schneiden gut ab.",
            "Am Ende verliert dabei",
        ),
        (
            "ru",
            "Очереди сообщений развязывают отправителей и получателей. "
            "Сравнили пять брокеров по задержке и пропускной способности. "
            "Самый медленный из них ещё и теряет сообщения под нагрузкой. "
            "Замеры шли на ноутбуке с восемью ядрами. "
            "Лучше всего показали себя брокеры с журналом записи.",
            "Самый медленный",
        ),
    ],
)
def test_summary_keeps_an_inner_reference_with_its_antecedent(
    fake_embedder: FakeEmbedder, language: str, text: str, referring: str
) -> None:
    talk = Talk(id="t", title="Brokers", description=text, language=language)
    for k in (1, 2, 3):
        summary = summarize_talk(
            talk, embedder=fake_embedder, config=SummaryConfig(talk_sentences=k)
        )
        sentences = list(summary.sentences)
        assert sentences and all(s in text for s in sentences)
        for n, sentence in enumerate(sentences):
            if sentence.startswith(referring):
                assert n > 0 and text.index(sentences[n - 1]) < text.index(sentence)
                between = text[text.index(sentences[n - 1]) + len(sentences[n - 1]) :]
                assert between.lstrip().startswith(sentence)


def test_a_demonstrative_naming_the_talk_may_have_adjectives() -> None:
    assert not refers_back("In this hands-on workshop, you build a parser.", "en")
    assert not refers_back("This short talk shows why types help.", "en")
    assert refers_back("This short example shows why types help.", "en")
