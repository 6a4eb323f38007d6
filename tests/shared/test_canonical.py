"""shared.canonical.canonical_json writes exactly the `rfc8785` package's bytes (its fast path included), and
both write what RFC 8785 itself prescribes (its examples and Appendix B number vectors)."""

from __future__ import annotations

import json
import math
import struct

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.evidence.v1 import evidence_resources_pb2 as pb
from services.evidence.convert.training_evidence import to_canonical
from shared.canonical import _fast, canonical_json, reference_canonical_json
from tests.evidence import builders

MAX_INT = 2**53 - 1
SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _same(value) -> None:
    """Byte for byte the same, or both refuse the value."""
    try:
        expected = reference_canonical_json(value)
    except (ValueError, RecursionError) as error:  # CanonicalizationError, UnicodeEncodeError
        with pytest.raises(type(error) if isinstance(error, rfc8785.CanonicalizationError) else ValueError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected


# ------------------------------------------------------------------------------- generated values

floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=1e-5, max_value=1e17),  # around the fast path's bounds
    st.floats(min_value=-1e-3, max_value=1e-3),
    st.integers(-(10**17), 10**17).map(float),  # integral floats: "1" not "1.0"
    st.sampled_from([1e-4, -1e-4, 1e16, -1e16, 9999999999999998.0, 0.00009999999999999999, 1e21, 1e-7, -0.0,
                     5e-324, 1.7976931348623157e308]),
)
# Every Unicode scalar value, control characters, and the code points where UTF-16 order differs from code
# point order (U+E000..U+FFFF against the supplementary planes).
texts = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12) | st.text(
    st.sampled_from(["a", "\x00", "\x1f", "\x7f", '"', "\\", "/", "\n", "\u2028", "\ue000", "\uffff", "\U0001f600",
                     "\u20ac", "\ufb33", "\u0080"]), max_size=6)
scalars = (st.none() | st.booleans() | st.integers(-MAX_INT, MAX_INT) | floats | texts)
json_values = st.recursive(scalars, lambda children: st.lists(children, max_size=5)
                           | st.dictionaries(texts, children, max_size=5), max_leaves=40)


@SETTINGS
@given(json_values)
def test_generated_json_values_are_written_like_the_reference(value):
    _same(value)


@SETTINGS
@given(st.dictionaries(st.text(st.characters(blacklist_categories=["Cs"]), max_size=4), st.integers(0, 9),
                       min_size=2, max_size=8))
def test_keys_are_ordered_by_utf16_code_units(value):
    _same(value)
    order = [key for key in json.loads(canonical_json(value))]
    assert order == sorted(value, key=lambda key: key.encode("utf-16-be"))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers().filter(lambda n: abs(n) > MAX_INT), st.sampled_from([math.nan, math.inf, -math.inf]),
                 st.sampled_from(["\ud800", "a\udfff", {"\ud83d": 1}, {1: 2}, {"k": object()}, {"k": b"x"}])))
def test_values_outside_rfc8785_are_refused_like_the_reference(value):
    _same({"wrapped": [value]})


def _body(draw) -> dict:
    """A seed-shaped evidence body built from the proto, with drawn scores, thresholds and texts."""
    request = builders.request("t", modules=draw(st.integers(1, 3)), questions=draw(st.integers(1, 4)))
    body = request.evidence
    score = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 0.5, 1e-9, 0.1 + 0.2]))
    text = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30)
    body.policy_attestation.pass_threshold = draw(score)
    body.outcome.aggregate_score = draw(score)
    for module in body.modules:
        module.module_score = draw(score)
        module.title = draw(text)
        for item in [*module.quiz_questions, *module.scenarios]:
            item.employee_answer.score = draw(score)
            if item.response_type == pb.RESPONSE_TYPE_FREE_TEXT:
                item.employee_answer.free_text_response = draw(text)
    return to_canonical(body)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_evidence_bodies_are_written_like_the_reference(data):
    document = _body(data.draw)
    assert canonical_json(document) == reference_canonical_json(document)


def test_evidence_bodies_take_the_fast_path():
    assert _fast(to_canonical(builders.request("t", modules=5, questions=10).evidence))


# ------------------------------------------------------------------------- RFC 8785's own vectors

# Appendix B: IEEE 754 bit patterns and their canonical text.
APPENDIX_B = [
    ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"), ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"), ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"), ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"), ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"), ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
def test_appendix_b_numbers(bits, expected):
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert canonical_json(value) == expected.encode() == reference_canonical_json(value)
    assert canonical_json({"n": [value]}) == b'{"n":[' + expected.encode() + b"]}"


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000"])
def test_appendix_b_nan_and_infinity_are_refused(bits):
    with pytest.raises(rfc8785.CanonicalizationError):
        canonical_json(struct.unpack(">d", bytes.fromhex(bits))[0])


def test_section_3_2_2_example():
    source = ('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
              r' "string": "\u20ac$\u000F\u000aA' "'" r'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}')
    expected = ('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
                '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}').encode()
    assert canonical_json(json.loads(source)) == expected
    # Section 3.2.4: the same output as UTF-8 bytes, in hex
    assert expected.hex().startswith("7b226c6974657261") and expected.hex().endswith("2f227d")


def test_section_3_2_3_sorting_example():
    source = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"}
    expected = ('{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With '
                'Diaeresis","\u20ac":"Euro Sign","\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter '
                'Dalet With Dagesh"}').encode()
    assert canonical_json(source) == expected == reference_canonical_json(source)
