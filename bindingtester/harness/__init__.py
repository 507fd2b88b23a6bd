"""found's own binding-test harness: seeded random programs following Apple's `api` test,
a scripted program with expected answers, runs of the testers, comparison and validation.

`run.py` (one folder up) is its command line; `official.py` drives Apple's harness instead.
"""
