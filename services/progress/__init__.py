"""The progress service: what each learner has done in each course version.

It owns learners' progress events (the history, append-only) and, folded from them, the state of every
item and of every course version per learner. Progress is pinned to the version the learner started:
a newer version changes nothing until UpgradeCourseProgress carries it over. When a course version
becomes passed, it asks the evidence service to issue the certificate, through its outbox.
"""
