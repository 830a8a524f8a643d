"""Syndication: how aggregators repost an article, and digest pages.

:func:`repost` turns any article (a real one too) into the copy an aggregator would post: a
header line, the aggregator's fixed footer (:func:`aggregator_boilerplate`, the same lines on
every repost by that source, so they recur across its reposts of different originals), a
lightly edited sentence, an optional truncation. :func:`digest` concatenates whole articles
under short headings. Both are deterministic in their arguments (BLAKE2b-seeded
``random.Random``, never the salted ``hash()``); the synthetic corpus generator uses them too.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import random
from collections.abc import Sequence

from .._core.errors import ConfigError
from .._text.article import Article
from .._text.paragraphs import split_lines

__all__ = ["aggregator_boilerplate", "digest", "repost"]

_EDIT_WORDS = ("reportedly", "now", "recently", "further", "notably", "indeed", "still",
               "largely", "widely", "officially", "again", "apparently", "later", "first")
# An aggregator's header is one of the first block; its footer one line of each other block.
_AGGREGATOR_LINES = """\
{name} | Top stories from around the web, updated every hour
This article originally appeared on {origin}.
Source: {origin} | Curated by {name}
Posted in News by the {name} editorial team

Read original article here.
Click here to read the original article.
Read the full story on the publisher's website.
This story was first published by one of our partners. Read original article here.

Disclaimer: The views expressed here are the author's own and do not reflect those of {name}.
{name} aggregates news from trusted sources and is not responsible for external content.
This article was curated automatically by {name}. All rights belong to the original publisher.
Copyright belongs to the original publisher; {name} claims no ownership of third-party content.

Share this story with your friends on Facebook, X and WhatsApp.
Enjoyed this article? Share it and follow {name} for more top stories.
Like what you read? Subscribe to the {name} newsletter for daily updates.
Follow {name} on social media to get the latest news first."""
_HEADERS, *_FOOTER_LINES = (tuple(block.splitlines()) for block in _AGGREGATOR_LINES.split("\n\n"))

def _stable_random(*parts: object) -> random.Random:
    seed = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=8).digest()
    return random.Random(int.from_bytes(seed, "big"))


def _display_name(source: str) -> str:
    return source.split(".")[0].replace("-", " ").title() or source


@functools.lru_cache(maxsize=1024)
def aggregator_boilerplate(source: str) -> tuple[str, ...]:
    """The fixed footer lines (read-the-original, disclaimer, share prompt) of an aggregator.

    They depend only on ``source``, so they recur verbatim across all its reposts.

    >>> aggregator_boilerplate("dailyfeed.example") == aggregator_boilerplate("dailyfeed.example")
    True
    >>> len(aggregator_boilerplate("dailyfeed.example"))
    3
    """
    chooser, name = _stable_random("footer", source), _display_name(source)
    return tuple(chooser.choice(lines).format(name=name) for lines in _FOOTER_LINES)


@functools.lru_cache(maxsize=4096)
def _aggregator_header(source: str, origin: str | None) -> str:
    return _stable_random("header", source).choice(_HEADERS).format(
        name=_display_name(source), origin=origin or "the original publisher")


def _edit(paragraph: str, chooser: random.Random, replacements: int = 3) -> str:
    """Replace a few plain words of one sentence of ``paragraph``."""
    at = chooser.randrange(max(1, len(paragraph)))
    begin, end = paragraph.rfind(". ", 0, at) + 2, paragraph.find(". ", at)
    begin, end = (begin if begin > 1 else 0), (end if end >= 0 else len(paragraph))
    words = paragraph[begin:end].split(" ")
    slots = [i for i in range(1, len(words)) if words[i].isalpha()]
    if not slots:
        return paragraph
    for i in chooser.sample(slots, min(replacements, len(slots))):
        original = words[i]
        while words[i] == original:
            words[i] = chooser.choice(_EDIT_WORDS)
    return paragraph[:begin] + " ".join(words) + paragraph[end:]


def _syndicate(paragraphs: Sequence[str], *, source: str, origin: str | None,
               chooser: random.Random, header: bool, footer: bool, edit: bool,
               truncate: float | None) -> tuple[list[str], tuple[int, ...], int, int]:
    """A repost's paragraphs, its boilerplate indices, the header length and the kept count."""
    keep = len(paragraphs) if truncate is None else max(1, round(truncate * len(paragraphs)))
    body = list(paragraphs[:keep])
    keep = len(body)
    editable = [i for i, text in enumerate(body) if text.count(" ") >= 5] if edit else []
    if editable:
        at = chooser.choice(editable)
        body[at] = _edit(body[at], chooser)
    top = [_aggregator_header(source, origin)] if header else []
    out = top + body + (list(aggregator_boilerplate(source)) if footer else [])
    return out, (*range(len(top)), *range(len(top) + keep, len(out))), len(top), keep


def _later(published: dt.datetime | None, hours: float) -> dt.datetime | None:
    return None if published is None else published + dt.timedelta(hours=hours)


def repost(article: Article, *, source: str, seed: int, header: bool = True, footer: bool = True,
           edit: bool = True, truncate: float | None = None) -> Article:
    """A syndicated copy of ``article`` as the aggregator ``source`` would post it.

    Paragraphs (split on blank lines or single newlines) are kept in order, cut to the first
    ``truncate`` share of them if given; ``edit`` replaces a few words of one sentence; the
    aggregator's header line and its fixed footer (:func:`aggregator_boilerplate`) are added.
    The id is ``f"{article.id}~{source}~{seed}"``; a dated original gets a copy published
    1-48 hours later.

    >>> copy = repost(Article("a", "One two.\\nThree four."), source="hub.example", seed=0,
    ...               header=False, footer=True, edit=False, truncate=0.5)
    >>> footer = aggregator_boilerplate("hub.example")
    >>> copy.id, copy.text.split("\\n\\n")[0], copy.text.endswith(footer[-1])
    ('a~hub.example~0', 'One two.', True)
    """
    if truncate is not None and not 0 < truncate <= 1:
        raise ConfigError(f"repost: expected 'truncate' in (0, 1] or None, got {truncate!r}")
    chooser = _stable_random("repost", article.id, source, seed)
    paragraphs, _, _, _ = _syndicate(
        split_lines(article.text), source=source, origin=article.source, chooser=chooser,
        header=header, footer=footer, edit=edit, truncate=truncate)
    return Article(id=f"{article.id}~{source}~{seed}", text="\n\n".join(paragraphs),
                   title=article.title, source=source,
                   published=_later(article.published, 1 + 47 * chooser.random()))


def digest(articles: Sequence[Article], *, id: str, source: str) -> Article:
    """A digest page: the whole ``articles``, each under a short heading.

    The heading is the article's title, else ``"From <source>"``, else ``"Story <n>"``; the
    page is published an hour after its latest dated part.

    >>> digest([Article("a", "Alpha."), Article("b", "Beta.")], id="d", source="x").text
    'Story 1\\n\\nAlpha.\\n\\nStory 2\\n\\nBeta.'
    """
    blocks: list[str] = []
    for number, article in enumerate(articles, 1):
        heading = article.title or (f"From {article.source}" if article.source else None)
        blocks += [heading or f"Story {number}", article.text.strip()]
    dates = [a.published for a in articles if a.published is not None]
    return Article(id=id, text="\n\n".join(blocks), source=source,
                   published=_later(max(dates), 1) if dates else None)
