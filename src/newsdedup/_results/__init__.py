"""The steps after the map step wired together (``reduce``) and the public result they
assemble (``result``, ``assemble``), with its report, HTML and tables. Imports the layers
below (up to ``_stories``).
"""
