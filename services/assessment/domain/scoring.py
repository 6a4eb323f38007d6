"""How one answer is scored, without I/O: multiple choice against its keys, free text by rubric criteria.

The built-in free-text scorer is deterministic: the rubric is split into criteria (one per line, bullet
or sentence); a criterion is met when at least half of its significant words (4+ letters, not a stop
word, compared by their first 6 letters so "negotiate"/"negotiation" match) occur in the answer. The score
is the share of criteria met; the rationale names the criteria met and missed. An external scorer
(learning.scoring.v1) replaces it when configured (scoring.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RUBRIC_SCORER = "rubric/1"
MULTIPLE_CHOICE_SCORER = "multiple-choice"
MAX_RATIONALE_CHARS = 4000

_STOP_WORDS = frozenset("""
about above after again against also among answer because been before being below between both could
does doing down during each either every from further have having here into itself just least more most
must only other over same should some such than that their them then there these they this those through
under until very were what when where which while will with within would your yours full credit contains
mention mentions names explains describes includes learner response
""".split())
_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
_SPLIT = re.compile(r"(?:\r?\n|(?<=[.;!?])\s+)")


@dataclass(frozen=True)
class Score:
    score: float
    rationale: str
    scorer: str


def score_choice(selected: frozenset[str], correct_keys: frozenset[str]) -> Score:
    """1 when the chosen set equals the keys exactly (one key: single choice; several: select all)."""
    return Score(1.0 if selected == correct_keys else 0.0, "", MULTIPLE_CHOICE_SCORER)


def _stems(text: str) -> set[str]:
    return {word.lower()[:6] for word in _WORD.findall(text) if word.lower() not in _STOP_WORDS}


def criteria(rubric: str) -> list[str]:
    """The rubric's criteria: its lines, bullets or sentences that carry at least one significant word."""
    parts = (part.strip(" \t-*•") for part in _SPLIT.split(rubric))
    return [part for part in parts if _stems(part)]


def score_free_text(rubric: str, answer: str) -> Score:
    found = criteria(rubric)
    if not found:  # a rubric without significant words cannot discriminate: any non-empty answer meets it
        met = bool(answer.strip())
        return Score(1.0 if met else 0.0, "the rubric names no criteria; " +
                     ("an answer was given" if met else "no answer was given"), RUBRIC_SCORER)
    words = _stems(answer)
    met, missed = [], []
    for criterion in found:
        needed = _stems(criterion)
        (met if len(needed & words) * 2 >= len(needed) else missed).append(criterion)
    rationale = f"{len(met)} of {len(found)} rubric criteria met."
    if met:
        rationale += " Met: " + "; ".join(met) + "."
    if missed:
        rationale += " Missed: " + "; ".join(missed) + "."
    return Score(len(met) / len(found), rationale[:MAX_RATIONALE_CHARS], RUBRIC_SCORER)
