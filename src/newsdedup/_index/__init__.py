"""The incremental index (``driver.DedupIndex``): the SQLite store and its schema, the
in-memory lookups, placing new articles and rerunning their neighbourhood. Imports the
layers below (up to ``_results``); only the drivers and the public modules import it.
"""
