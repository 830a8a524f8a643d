"""Tests of ``newsdedup._index``, one file per module (``test_<module>.py``)."""
