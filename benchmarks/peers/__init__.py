"""newsdedup against the fastest MinHash peers on the same task: ``python -m benchmarks.peers``.

One module per peer (``rensa_minhash``, ``datasketch_fast``, ``datatrove_minhash``,
``datasketch_plain``), each exposing ``candidates(paragraphs, clock)``; the rest of the task
is shared (``_task``). See ``__main__`` and ``docs/performance.md``, "Peers".
"""
