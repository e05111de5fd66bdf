"""The one place that knows the order of the stages: ingest -> nlp -> embed -> graph ->
communities -> topics -> summaries -> render."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)
