"""The catalog service: learning content of every tenant.

It owns courses and their numbered versions (a published version is an immutable
snapshot; later edits open a new draft version), the structure of each version
(modules, video and interactive lessons, quizzes with their questions, practical
exercises) and learning paths made of pinned, published course versions. Other
services read published versions with GetCourseVersion and never see this database.
"""
