"""How counts read in what people see (reprs, the text report, the HTML views)."""

from __future__ import annotations

__all__ = ["counted"]


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``number`` with its noun, singular for one (``plural`` defaults to ``singular + "s"``),
    thousands separated.

    >>> counted(1, "story", "stories"), counted(2, "story", "stories"), counted(12000, "group")
    ('1 story', '2 stories', '12,000 groups')
    """
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"
