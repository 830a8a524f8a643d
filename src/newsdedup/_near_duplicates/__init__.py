"""Paragraph matches (MinHash, LSH, exact verification), repeats, boilerplate, article
links, duplicate groups and the canonical rule (``canonical``, its inputs in
``canonical_inputs``). Imports ``_core`` and ``_text``.
"""
