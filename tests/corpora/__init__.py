"""Tests of ``newsdedup._corpora``, one file per module (``test_<module>.py``)."""
