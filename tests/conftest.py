"""Shared fixtures: the real seed articles and ECB+ documents copied into tests/data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newsdedup import Article

DATA = Path(__file__).parent / "data"
SEED_DATE = dt.datetime(2023, 7, 26, 9, 0, tzinfo=dt.UTC)


def load_seeds(dated: bool = False) -> list[Article]:
    """The five seed articles; ids are the file stems (e.g. ``000_c281479aec7ad377``)."""
    files = sorted((DATA / "seeds").glob("*.txt"))
    return [Article(id=path.stem, text=path.read_text("utf-8"),
                    published=SEED_DATE + dt.timedelta(hours=n) if dated else None)
            for n, path in enumerate(files)]


def load_ecbplus() -> list[dict[str, str]]:
    """The ECB+ development documents (id, text, topic, event)."""
    with open(DATA / "ecbplus-dev.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def seeds() -> list[Article]:
    """The five seed articles, undated."""
    return load_seeds()


@pytest.fixture(scope="session")
def ecbplus() -> list[dict[str, str]]:
    """The ECB+ development documents."""
    return load_ecbplus()
