"""Tests of ``newsdedup._stories``, one file per module (``test_<module>.py``)."""
