"""The turn's orchestration: a reply through detection, scoring, the stage machine and the client.

It sits above ``rubric`` and ``engine`` (it calls both) and below ``service``.
"""
