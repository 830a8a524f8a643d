"""Reference implementations of the compiled kernels (see ``_jit``)."""
