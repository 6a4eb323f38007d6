"""A stand-in for an LLM team's scorer: a separate process serving learning.scoring.v1.ScoringService.

    python -m tests.support.external_scorer --port 50123 --score 0.75

It scores every answer with the fixed --score and a rationale that quotes the rubric's first line, prints
{"event": "serving", "address": ...} when it serves (tests/support/processes.py waits for it), and logs each
call as {"event": "scored", "answer_id": ...} so tests can count calls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal

import grpc

from learning.scoring.v1 import scoring_service_pb2 as svc
from learning.scoring.v1 import scoring_service_pb2_grpc as svc_grpc


class FixedScorer(svc_grpc.ScoringServiceServicer):
    def __init__(self, score: float) -> None:
        self.score = score

    async def ScoreFreeText(self, request, context):  # noqa: N802 - the gRPC method name
        if not any(key == "authorization" for key, _ in context.invocation_metadata()):
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "a service token is expected")
        print(json.dumps({"event": "scored", "answer_id": request.answer_id}), flush=True)
        first_line = request.rubric.splitlines()[0] if request.rubric else "no rubric"
        return svc.ScoreFreeTextResponse(score=self.score, rationale=f"external review against: {first_line}",
                                         scorer="test-llm-scorer/1")


async def serve(port: int, score: float) -> None:
    server = grpc.aio.server()
    svc_grpc.add_ScoringServiceServicer_to_server(FixedScorer(score), server)
    address = f"127.0.0.1:{server.add_insecure_port(f'127.0.0.1:{port}')}"
    await server.start()
    print(json.dumps({"event": "serving", "address": address}), flush=True)
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    await stopping.wait()
    await server.stop(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--score", type=float, default=0.75)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.score))


if __name__ == "__main__":
    main()
