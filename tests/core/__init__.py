"""Tests of ``newsdedup._core``, one file per module (``test_<module>.py``)."""
