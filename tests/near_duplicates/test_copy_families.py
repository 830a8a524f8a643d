"""Copy families: articles carrying most of one another's text, before boilerplate is known."""

from __future__ import annotations

import numpy as np

from conftest import load_ecbplus
from newsdedup import Article, DedupConfig
from newsdedup._near_duplicates.copy_families import copy_families
from newsdedup._near_duplicates.paragraph_matches import match_paragraphs
from newsdedup._text.features import collect_features
from newsdedup._text.paragraphs import split_paragraphs

FOOTER = ("This story was republished by NewsNow Feed, which gathers the day's news from "
          "trusted sources. NewsNow Feed is not responsible for the content of external sites.")


def _families(articles: list[Article], workers: int = 1) -> dict[str, int]:
    config = DedupConfig(workers=workers)
    features = collect_features(articles, config).features
    matches = match_paragraphs(features, config)
    family = copy_families(features, matches, config, np.arange(len(articles)))
    return {article.id: int(label) for article, label in zip(articles, family, strict=True)}


def _aggregator_pages() -> tuple[list[Article], list[str]]:
    """An aggregator's reposts of 24 different reports, each whole and cut to its first 18
    words, all with its footer: the footer is more than half of every short page."""
    documents = load_ecbplus()
    chosen = [next(d for d in documents if d["event"] == event)
              for event in sorted({d["event"] for d in documents})][:24]
    pages = []
    for document in chosen:
        paragraphs = split_paragraphs(document["text"])
        first = " ".join(next(p for p in paragraphs if len(p.split()) >= 18).split()[:18])
        pages.append(Article(f"{document['id']}-whole", "\n\n".join([*paragraphs, FOOTER])))
        pages.append(Article(f"{document['id']}-cut", f"{first}\n\n{FOOTER}"))
    return pages, [d["id"] for d in chosen]


def test_a_long_footer_does_not_join_the_texts_it_follows() -> None:
    """A footer carried by many pages proves copying only when it is most of both: the short
    pages are not related to the long ones (nor, through them, to each other) by it."""
    pages, texts = _aggregator_pages()
    family = _families(pages)
    texts_of_family: dict[int, set[str]] = {}
    for page in pages:
        texts_of_family.setdefault(family[page.id], set()).add(page.id.rsplit("-", 1)[0])
    assert all(len(members) == 1 for members in texts_of_family.values())
    assert len(texts_of_family) >= len(texts)


def test_copies_of_one_text_are_one_family() -> None:
    """Reposts of one report cut at different points share most of each other."""
    document = load_ecbplus()[0]
    paragraphs = split_paragraphs(document["text"])
    copies = [Article(f"copy-{n}", "\n\n".join(paragraphs[:max(1, len(paragraphs) - n)]))
              for n in range(3)]
    family = _families([Article(document["id"], document["text"]), *copies])
    assert len(set(family.values())) == 1


def test_families_do_not_depend_on_the_workers() -> None:
    """The pairs' shared text, counted on two threads, gives the families of one thread."""
    pages, _ = _aggregator_pages()
    document = load_ecbplus()[0]
    paragraphs = split_paragraphs(document["text"])
    pages += [Article(f"copy-{n}", "\n\n".join([*paragraphs[:len(paragraphs) - n], FOOTER]))
              for n in range(4)]
    assert _families(pages, workers=2) == _families(pages)
