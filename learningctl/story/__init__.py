"""The story `learningctl demo` tells: what the author publishes (content.py), what the learners, the mentor and
the admin do (cast.py), and how it waits for the services to deliver and counts what they report (settle.py)."""
