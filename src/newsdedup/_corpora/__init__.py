"""Test and benchmark data, not the data flow: the seed articles, the synthetic corpus and
the messy corpora. Imports ``_core`` and ``_text`` only; only the public modules and the
drivers import it.
"""
