"""Tests of ``newsdedup._drivers``, one file per module (``test_<module>.py``)."""
