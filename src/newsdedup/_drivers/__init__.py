"""Where the steps run: the batch driver (``pipeline.dedup``) and the Dask driver
(``dask_steps``). Only the public modules import them.
"""
