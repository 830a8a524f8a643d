"""Article to features: paragraphs, normalized tokens, shingles and terms.

``features.collect_features`` is the map step; ``article`` and ``loaders`` read the input.
Imports ``_core`` only.
"""
