"""Rules and state machines of the assessment service on plain data: no I/O, no protos.

One module per resource (training_sessions, quiz_attempts, exercise_submissions, maturity), plus what they
share: `content` (a published course version as the assessment service needs it) and `scoring` (how an
answer is scored: multiple choice against its keys, free text by the built-in rubric scorer).
"""
