"""Stories: term vectors of the groups (weighted by ``weights``), candidate pairs, sparse
average linkage (``clusters``), optional embeddings, and rewrites. Imports the layers
below (``_core``, ``_text``, ``_near_duplicates``).
"""
