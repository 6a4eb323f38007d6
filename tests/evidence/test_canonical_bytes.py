"""The record path's two shortcuts, held to the slow ways they replace (no database):

- convert.canonical_bytes writes, straight from the message, exactly the `rfc8785` package's bytes of
  convert.to_canonical(body), for any body to_canonical accepts (generated strings, numbers, times, presence);
- validate.record's `stored_form` is true exactly when the body is what the canonical form keeps of it, i.e.
  when the request's body may be returned as the stored one instead of rebuilding it from the canonical bytes.
"""

from __future__ import annotations

import struct

import rfc8785
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.evidence.v1 import evidence_resources_pb2 as pb
from services.evidence.convert import training_evidence as convert
from services.evidence.validate import training_evidence as validate
from shared.timeutil import MAX_TIMESTAMP_SECONDS, MIN_TIMESTAMP_SECONDS, format_millis
from tests.evidence import builders

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any finite double (proto doubles that reach the canonical form), with the edges of the fast path.
DOUBLES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(0.0, 1.0),
    st.floats(min_value=-1e-3, max_value=1e-3),
    st.integers(-(10**17), 10**17).map(float),
    st.sampled_from([0.0, -0.0, 1.0, 0.5, 1e-4, 9.999999999999999e-05, 1e-7, 5e-324, 1e16, 1e21, 2.0**53,
                     2.0**53 - 1, 0.1 + 0.2, 1.7976931348623157e308]),
)
# Every Unicode scalar value but lone surrogates (a proto string cannot hold one), and the escapes.
TEXTS = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12) | st.text(
    st.sampled_from(["a", "\x00", "\x1f", "\x7f", '"', "\\", "/", "\n", "\u2028", "\ue000", "\U0001f600", "\u0080"]),
    max_size=6)
INT32 = st.integers(-(2**31), 2**31 - 1)
TIMES = st.builds(Timestamp, seconds=st.integers(MIN_TIMESTAMP_SECONDS, MAX_TIMESTAMP_SECONDS),
                  nanos=st.integers(0, 999_999_999))
TYPES = st.sampled_from([pb.RESPONSE_TYPE_MULTIPLE_CHOICE, pb.RESPONSE_TYPE_FREE_TEXT])


def _answer(draw) -> pb.AnswerEvidence:
    answer = pb.AnswerEvidence(score=draw(DOUBLES), submit_time=draw(TIMES))
    for field in ("selected_option", "free_text_response", "llm_rationale"):
        if draw(st.booleans()):
            setattr(answer, field, draw(TEXTS))
    return answer


def _items(draw, kind):
    items = []
    for _ in range(draw(st.integers(0, 3))):
        options = [pb.Option(key=draw(TEXTS), text=draw(TEXTS)) for _ in range(draw(st.integers(0, 3)))]
        fields = {"response_type": draw(TYPES), "options": options, "employee_answer": _answer(draw)}
        if kind is pb.ScenarioEvidence:
            items.append(kind(scenario_id=draw(TEXTS), narrative=draw(TEXTS), **fields))
        else:
            items.append(kind(question_id=draw(TEXTS), question_text=draw(TEXTS), **fields))
    return items


def _any_body(draw) -> pb.EvidenceBody:
    """Any body to_canonical accepts (valid or not: the encoding must not depend on validation)."""
    body = pb.EvidenceBody()
    s = body.session
    s.session_id, s.employee_id, s.tenant_id = draw(TEXTS), draw(TEXTS), draw(TEXTS)
    s.attempt_number, s.total_attempts = draw(INT32), draw(INT32)
    s.status = draw(st.sampled_from(list(convert.SESSION_STATUS)))
    s.create_time.CopyFrom(draw(TIMES))
    if draw(st.booleans()):
        s.completed_time.CopyFrom(draw(TIMES))
    body.policy_attestation.CopyFrom(pb.PolicyAttestation(
        config_hash=draw(TEXTS), role_profile_id=draw(TEXTS), role_profile_version=draw(INT32),
        app_version=draw(TEXTS), pass_threshold=draw(DOUBLES), max_attempts=draw(INT32)))
    for _ in range(draw(st.integers(0, 3))):
        module = body.modules.add(module_index=draw(INT32), title=draw(TEXTS), topic_area=draw(TEXTS),
                                  scenarios=_items(draw, pb.ScenarioEvidence),
                                  quiz_questions=_items(draw, pb.QuizQuestionEvidence))
        if draw(st.booleans()):
            module.module_score = draw(DOUBLES)
        if draw(st.booleans()):
            module.completed_time.CopyFrom(draw(TIMES))
        score = body.outcome.module_scores.add(module_index=draw(INT32), title=draw(TEXTS))
        if draw(st.booleans()):
            score.score = draw(DOUBLES)
    o = body.outcome
    o.pass_threshold = draw(DOUBLES)
    if draw(st.booleans()):
        o.aggregate_score = draw(DOUBLES)
    if draw(st.booleans()):
        o.passed = draw(st.booleans())
    if draw(st.booleans()):
        o.weak_areas.SetInParent()
        o.weak_areas.topic_areas.extend(draw(st.lists(TEXTS, max_size=3)))
    return body


@SETTINGS
@given(st.data())
def test_generated_bodies_are_written_like_the_reference(data):
    body = _any_body(data.draw)
    assert convert.canonical_bytes(body) == rfc8785.dumps(convert.to_canonical(body))


def test_the_benchmark_body_and_its_edges():
    body = builders.request("t", modules=5, questions=10).evidence
    assert convert.canonical_bytes(body) == rfc8785.dumps(convert.to_canonical(body))
    # RFC 8785 Appendix B numbers where a body has them (scores), including those Python writes differently
    for bits in ("0000000000000001", "3eb0c6f7a0b5ed8c", "3eb0c6f7a0b5ed8d", "4340000000000000", "44b52d02c7e14af6",
                 "8000000000000000", "becbf647612f3696"):
        body.modules[0].quiz_questions[0].employee_answer.score = struct.unpack(">d", bytes.fromhex(bits))[0]
        assert convert.canonical_bytes(body) == rfc8785.dumps(convert.to_canonical(body)), bits


@SETTINGS
@given(TIMES)
def test_times_are_written_like_format_millis(ts):
    assert convert._time(ts) == f'"{format_millis(ts)}"'


def test_invalid_times_take_the_reference_path():
    body = builders.request("t", modules=1, questions=2).evidence
    for nanos in (-1, -1_000_000, 1_000_000_000, 2**31 - 1):
        body.session.create_time.nanos = nanos
        assert convert.canonical_bytes(body) == rfc8785.dumps(convert.to_canonical(body)), nanos


# ------------------------------------------------------------------------------------------ stored form

NANOS = st.one_of(st.integers(0, 999).map(lambda ms: ms * 1_000_000), st.integers(0, 999_999_999))
SCORES = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, -0.0, 1.0, 1e-7, 5e-324]))


def _valid_request(draw):
    req = builders.request(f"t-{draw(st.integers(0, 9))}", modules=draw(st.integers(0, 3)),
                           questions=draw(st.integers(0, 4)))
    body = req.evidence
    times = [body.session.create_time, body.session.completed_time]
    scores = []
    for module in body.modules:
        times.append(module.completed_time)
        for item in [*module.scenarios, *module.quiz_questions]:
            times.append(item.employee_answer.submit_time)
            scores.append(item.employee_answer)
    for ts in times:
        if draw(st.integers(0, 9)) == 0:
            ts.nanos = draw(NANOS)
    for answer in scores:
        if draw(st.integers(0, 9)) == 0:
            answer.score = draw(SCORES)
    if draw(st.integers(0, 9)) == 0:  # the thresholds must agree
        body.policy_attestation.pass_threshold = body.outcome.pass_threshold = draw(SCORES)
    for module, summary in zip(body.modules, body.outcome.module_scores, strict=True):
        if draw(st.integers(0, 9)) == 0:
            module.module_score = summary.score = draw(SCORES)
    if draw(st.integers(0, 19)) == 0:  # a field no Timestamp declares (tag 3): dropped by the canonical form
        times[0].MergeFromString(bytes([0x18, 0x01]))
    return req


@SETTINGS
@given(st.data())
def test_stored_form_says_whether_the_canonical_form_keeps_the_body_as_is(data):
    req = _valid_request(data.draw)
    record = validate.record(req)
    rebuilt = convert.stored_body(convert.canonical_bytes(record.evidence))
    same = rebuilt.SerializeToString(deterministic=True) == record.evidence.SerializeToString(deterministic=True)
    assert record.stored_form == same


def test_stored_form_examples():
    req = builders.request("t", modules=2, questions=3)
    assert validate.record(req).stored_form
    req.evidence.modules[1].quiz_questions[0].employee_answer.submit_time.nanos += 1
    assert not validate.record(req).stored_form
    req = builders.request("t", modules=2, questions=3)
    req.evidence.modules[0].quiz_questions[2].employee_answer.score = -0.0
    assert not validate.record(req).stored_form
