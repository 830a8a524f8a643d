"""Shared types, errors, configuration, hashing, arrays, threads, memory and progress.

The lowest layer: imports nothing of newsdedup but ``_core`` and the compiled kernels
(``newsdedup._kernels``, which count as ``_core``).
"""
