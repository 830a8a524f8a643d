"""A labeled corpus of real texts reposted by aggregators, for ``python -m benchmarks.peers``.

``python -m benchmarks.reposts --size 20000 [--seed 0] [--out reposts-20000.jsonl]``

Real texts: the 413 ECB+ documents of ``tests/data/ecbplus-dev.jsonl`` and the five seed
articles of ``tests/data/seeds``, less those that are already near-duplicates of an earlier
one (the shared article rule of ``benchmarks/peers/_task.py`` on exact shingle sets: five
ECB+ documents copy another). Each text is published once (its own id) and reposted 10-20
times by distinct aggregators out of 20, each repost changed the way aggregators change text:

* a header line with the aggregator's name and the time, on half of them;
* the aggregator's two footer paragraphs, on 80%;
* truncation to the first 60-80% of the paragraphs, on 40%;
* 1-3 words replaced by other words of the text, always;
* one paragraph moved elsewhere, on 30%;
* straight and curly quotes swapped, on half.

About one page in 27 is a roundup by an aggregator: the first ~40% of the paragraphs of two
or three texts of one ECB+ topic, under a header, with the footer. The corpus is built in
rounds over the texts (a shuffled order each round) until it has ``size`` articles, then
sorted by publication time: 5,000 articles cover ~300 texts with ~16 copies each, 20,000
cover all 418 three times over (~48 copies of each: the aggregators repost a text again in
a later week). Labels: ``group`` is the source text's id for the text and its reposts, a
roundup's own id for a roundup; ``topic`` is the ECB+ topic (``seeds`` for the seeds).

Small and self-contained on purpose (the richer messy-feed generators are meant to replace
it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import tempfile
from pathlib import Path
from typing import Any

from newsdedup import DedupConfig
from newsdedup._text.paragraphs import split_paragraphs

from .peers._task import articles_duplicate, normalized, shingle_set

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
AGGREGATORS = (
    "NewsNow Feed", "Daily Wire Digest", "TopStories Hub", "Headline Roundup", "WorldBrief",
    "The Aggregator", "FeedPulse", "StoryStream", "Newsline Now", "PressReel", "InfoDaily",
    "Global Snapshot", "BriefMe", "NewsPlex", "ReadWire", "Currents Daily", "NewsBeat Hub",
    "Clipboard News", "HeadlineHub", "Morning Ledger")
START = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
#: Chance that a text's turn in a round also brings a roundup of its topic (~1 page in 27).
ROUNDUP_CHANCE = 0.6
#: Part of the cached file's name: change it whenever the corpus this module builds changes.
VERSION = 1
_CURLY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _slug(name: str) -> str:
    return "".join(character for character in name.lower() if character.isalnum())


def _footer(name: str) -> list[str]:
    site = f"{_slug(name)}.example"
    return [f"This story was republished by {name}, which gathers the day's news from trusted "
            f"sources. {name} is not responsible for the content of external sites.",
            f"Like what you read? Follow {name} on social media and subscribe to the {name} "
            f"newsletter at {site} for more stories like this one."]


def sources() -> list[dict[str, str]]:
    """The real texts (id, text, topic), without near-duplicates of an earlier one."""
    texts = [json.loads(line) for line in (DATA / "ecbplus-dev.jsonl").open(encoding="utf-8")]
    found = [{"id": row["id"], "text": row["text"], "topic": row["topic"]} for row in texts]
    for path in sorted((DATA / "seeds").glob("*.txt")):
        found.append({"id": path.stem, "text": path.read_text(encoding="utf-8").strip(),
                      "topic": "seeds"})
    config = DedupConfig()
    kept: list[dict[str, str]] = []
    unions: list[frozenset[str]] = []
    for source in found:
        union = frozenset().union(*(shingle_set(normalized(paragraph).split())
                                    for paragraph in split_paragraphs(source["text"])))
        if not any(articles_duplicate(union, other, config) for other in unions):
            kept.append(source)
            unions.append(union)
    return kept


def _swap_quotes(text: str) -> str:
    if any(mark in text for mark in "“”‘’"):
        return text.translate(_CURLY)
    opened = False
    out = []
    for character in text:
        if character == '"':
            out.append("”" if opened else "“")
            opened = not opened
        else:
            out.append("’" if character == "'" else character)
    return "".join(out)


def _edit_words(paragraphs: list[str], rng: random.Random) -> None:
    vocabulary = [word for paragraph in paragraphs for word in paragraph.split()]
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(paragraphs))
        words = paragraphs[index].split()
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
        paragraphs[index] = " ".join(words)


def repost(source: dict[str, str], aggregator: str, published: dt.datetime,
           rng: random.Random) -> str:
    """The text of ``source`` as ``aggregator`` reposts it."""
    paragraphs = split_paragraphs(source["text"])
    if rng.random() < 0.4 and len(paragraphs) > 1:
        keep = max(1, round(len(paragraphs) * rng.uniform(0.6, 0.8)))
        paragraphs = paragraphs[:keep]
    _edit_words(paragraphs, rng)
    if rng.random() < 0.3 and len(paragraphs) > 2:
        moved = paragraphs.pop(rng.randrange(len(paragraphs)))
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), moved)
    if rng.random() < 0.5:
        paragraphs.insert(0, f"{aggregator} | {published:%B %d, %Y %H:%M}")
    if rng.random() < 0.8:
        paragraphs.extend(_footer(aggregator))
    text = "\n\n".join(paragraphs)
    return _swap_quotes(text) if rng.random() < 0.5 else text


def roundup(parts: list[dict[str, str]], aggregator: str, published: dt.datetime) -> str:
    """A roundup page: the first ~40% of each part, under a header, with the footer."""
    paragraphs = [f"{aggregator} roundup: the stories of {published:%B %d, %Y}"]
    for part in parts:
        carried = split_paragraphs(part["text"])
        paragraphs.extend(carried[:max(1, math.ceil(0.4 * len(carried)))])
    paragraphs.extend(_footer(aggregator))
    return "\n\n".join(paragraphs)


def build(size: int, seed: int = 0) -> list[dict[str, Any]]:
    """``size`` labeled articles (JSON-ready records), sorted by publication time."""
    rng = random.Random(seed)
    texts = sources()
    by_topic: dict[str, list[dict[str, str]]] = {}
    for source in texts:
        by_topic.setdefault(source["topic"], []).append(source)
    articles: list[dict[str, Any]] = []
    counter = 0
    for round_number in range(size):  # rounds until the corpus is full
        order = list(texts)
        rng.shuffle(order)
        for source in order:
            if len(articles) >= size:
                break
            published = START + dt.timedelta(days=7 * round_number,
                                              minutes=rng.randrange(60 * 24 * 60))
            if round_number == 0:
                articles.append({"id": source["id"], "text": source["text"],
                                 "published": published.isoformat(),
                                 "source": "original.example", "group": source["id"],
                                 "topic": source["topic"]})
            for aggregator in rng.sample(AGGREGATORS, rng.randint(10, 20)):
                counter += 1
                when = published + dt.timedelta(minutes=rng.randrange(5, 72 * 60))
                articles.append({"id": f"{_slug(aggregator)}-{counter:06d}",
                                 "text": repost(source, aggregator, when, rng),
                                 "published": when.isoformat(),
                                 "source": f"{_slug(aggregator)}.example",
                                 "group": source["id"], "topic": source["topic"]})
            topic = by_topic[source["topic"]]
            if rng.random() < ROUNDUP_CHANCE and len(topic) >= 2:
                counter += 1
                aggregator = rng.choice(AGGREGATORS)
                when = published + dt.timedelta(hours=rng.randrange(1, 48))
                article_id = f"{_slug(aggregator)}-roundup-{counter:06d}"
                articles.append({"id": article_id,
                                 "text": roundup(rng.sample(topic, min(len(topic),
                                                                       rng.choice((2, 3)))),
                                                 aggregator, when),
                                 "published": when.isoformat(),
                                 "source": f"{_slug(aggregator)}.example", "group": article_id,
                                 "topic": source["topic"]})
        if len(articles) >= size:
            break
    articles = articles[:size]
    articles.sort(key=lambda article: (article["published"], article["id"]))
    return articles


def write(size: int, seed: int = 0, path: Path | None = None) -> Path:
    """Write the corpus as JSONL (to the temp folder by default, reused when present)."""
    path = path or Path(tempfile.gettempdir()) / f"newsdedup-reposts-v{VERSION}-{size}-{seed}.jsonl"
    if not path.exists():
        partial = path.with_suffix(".tmp")
        with partial.open("w", encoding="utf-8") as handle:
            for article in build(size, seed):
                handle.write(json.dumps(article, ensure_ascii=False) + "\n")
        partial.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reposts",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="JSONL file (default: in the temp folder)")
    options = parser.parse_args(argv)
    print(write(options.size, options.seed, options.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
