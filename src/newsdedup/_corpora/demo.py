"""Built-in demo data: the five seed articles shipped in the package, plus reposts of them.

The seeds are five real write-ups of one story (Netflix's AI job listings during the 2023
actors' strike). ``demo_articles(reposts=True)`` adds syndicated copies made by the package's
generator (two aggregators with their own header and footer, light edits, one truncated
copy) and one digest page carrying two seeds, so the demo shows every finding.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

from .._text.article import Article

__all__ = ["demo_articles", "seed_articles"]

_SEED_DATE = dt.datetime(2023, 7, 26, 9, 0, tzinfo=dt.UTC)


def seed_articles() -> list[Article]:
    """The five seed articles (ids are the file stems), as shipped inside the package."""
    folder = resources.files("newsdedup") / "data" / "seeds"
    files = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".txt")),
                   key=lambda entry: entry.name)
    return [Article(id=entry.name.removesuffix(".txt"), text=entry.read_text("utf-8"),
                    source=f"outlet-{number}", published=_SEED_DATE + dt.timedelta(hours=number))
            for number, entry in enumerate(files)]


def demo_articles(reposts: bool = True) -> list[Article]:
    """The seeds, plus (by default) generated reposts and a digest page of two seeds."""
    seeds = seed_articles()
    if not reposts:
        return seeds
    from .synthetic import digest, repost

    copies: list[Article] = []
    for number, seed in enumerate(seeds):
        copies.append(repost(seed, source="dailyfeed.example", seed=number, header=True,
                             footer=True, edit=True, truncate=None))
        copies.append(repost(seed, source="newsroundup.example", seed=100 + number,
                             header=False, footer=True, edit=False,
                             truncate=0.7 if number % 2 == 0 else None))
    pages = [digest([seeds[1], seeds[3]], id="digest-1-3", source="digestpage.example")]
    return seeds + copies + pages
