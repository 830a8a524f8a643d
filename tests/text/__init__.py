"""Tests of ``newsdedup._text``, one file per module (``test_<module>.py``)."""
