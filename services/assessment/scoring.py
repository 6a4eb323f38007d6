"""The pluggable free-text scorer: the built-in rubric scorer, or an external one over learning.scoring.v1.

`Scorer.score_free_text` returns a domain Score, or None when the scorer failed (error status, deadline,
a score outside [0, 1], an empty rationale): the caller then keeps the answer PENDING and retries it
later. A failure is never turned into a score of 0.
"""

from __future__ import annotations

import logging
import math

import grpc

from learning.scoring.v1 import scoring_service_pb2 as scoring_svc
from learning.scoring.v1 import scoring_service_pb2_grpc as scoring_grpc
from services.assessment.domain import scoring

log = logging.getLogger("learning.assessment.scoring")


class Scorer:
    def __init__(self, channel: grpc.aio.Channel | None, *, timeout_seconds: float) -> None:
        self._channel = channel
        self._external = scoring_grpc.ScoringServiceStub(channel) if channel is not None else None
        self._timeout = timeout_seconds

    @property
    def external(self) -> bool:
        return self._external is not None

    async def score_free_text(self, *, tenant_id: str, answer_id: str, item_id: str, prompt: str, rubric: str,
                              answer: str) -> scoring.Score | None:
        if self._external is None:
            return scoring.score_free_text(rubric, answer)
        try:
            response = await self._external.ScoreFreeText(scoring_svc.ScoreFreeTextRequest(
                tenant_id=tenant_id, answer_id=answer_id, item_id=item_id, prompt=prompt, rubric=rubric,
                answer_text=answer), timeout=self._timeout)
        except grpc.aio.AioRpcError as error:
            log.warning("external scorer failed for answer %s: %s; it stays pending", answer_id, error.code().name)
            return None
        if not (math.isfinite(response.score) and 0.0 <= response.score <= 1.0) or not response.rationale.strip():
            log.warning("external scorer gave an unusable result for answer %s; it stays pending", answer_id)
            return None
        return scoring.Score(response.score, response.rationale[:scoring.MAX_RATIONALE_CHARS],
                             (response.scorer or "external")[:200])

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
