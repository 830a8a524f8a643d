"""Tests of ``newsdedup._near_duplicates``, one file per module (``test_<module>.py``)."""
