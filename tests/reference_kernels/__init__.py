"""Reference implementations of the compiled kernels: the numba kernels they replaced.

Each module holds the ``@kernel`` functions (and the constants they read) of the package
module of its flat name from before the subpackages (``_links`` is ``_near_duplicates.links``,
``_index_terms`` is ``_index.terms``, see ``docs/layout.md``), as they were when they were
ported to C (``_links`` as of main's ``a90943d``), compiled with numba (a test dependency, see
``_jit``). ``tests/core/test_kernels.py`` checks that the compiled kernels give the same results
bit for bit. When a kernel's
behaviour is changed on purpose, its reference changes with it, in the same commit.
"""
