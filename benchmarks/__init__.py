"""Benchmarks of newsdedup (not part of the installed package).

``python -m benchmarks`` measures near-duplicate detection against plain datasketch; see
``benchmarks/__main__.py`` and ``docs/performance.md``. ``benchmarks.index`` and
``benchmarks.stories`` measure the persistent index and story clustering.
"""
