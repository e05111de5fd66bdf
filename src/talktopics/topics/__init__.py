"""The topic engine: talks in, fuzzy topics out (:class:`TopicModel`, a scikit-learn-style
estimator). The pipeline, one module per step:

:mod:`~talktopics.topics.checks` (options, talk ids) ->
:mod:`~talktopics.topics.vocabulary` (terms kept) ->
:mod:`~talktopics.topics.talk_text` (what is embedded) ->
:mod:`~talktopics.topics.word_graph` (term similarity, via
:mod:`~talktopics.topics.similarity`) ->
:mod:`~talktopics.topics.network` (talk-term links) ->
:mod:`~talktopics.topics.communities` (Infomap) ->
:mod:`~talktopics.topics.regroup` (split, merge, towards K) ->
:mod:`~talktopics.topics.distributions` (talk distributions, outliers) ->
:mod:`~talktopics.topics.memberships` (fuzzy term memberships) ->
:mod:`~talktopics.topics.describe` and :mod:`~talktopics.topics.labels` (topic terms,
labels, sub-topics); :mod:`~talktopics.topics.fit` runs the steps in order,
:mod:`~talktopics.topics.transform` places new talks, :mod:`~talktopics.topics.persistence`
reads and writes models, :mod:`~talktopics.topics.result` holds what a fit learns.
"""

from __future__ import annotations

from talktopics.topics.model import TopicModel
from talktopics.topics.persistence import DEFAULT_MODEL_DIR, FORMAT_VERSION, write_graph
from talktopics.topics.result import FittedTopics, ModelInfo, ModelState

__all__ = [
    "DEFAULT_MODEL_DIR",
    "FORMAT_VERSION",
    "FittedTopics",
    "ModelInfo",
    "ModelState",
    "TopicModel",
    "write_graph",
]
