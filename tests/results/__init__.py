"""Tests of ``newsdedup._results``, one file per module (``test_<module>.py``)."""
