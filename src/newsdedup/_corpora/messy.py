"""Labelled stand-ins for messy real feeds (issue #15): digests, excerpts, look-alike events.

Every generator here turns *real* base texts (:class:`BaseDocument`: ECB+ documents, the seed
articles, or a user's own) into a labelled corpus (:class:`MessyCorpus`) that reproduces one
way real aggregator feeds go wrong:

* :func:`digest_feed` - a short article carried whole by a digest page beside a longer one,
  and reposted by aggregators (some of which also post the digest);
* :func:`excerpt_feed` - reposts cut to the first 60-67% of paragraphs and lead excerpts,
  some published 10-20 days after their source;
* :func:`lookalike_events` - one report per event (plus a few reposts), every report on the
  same day, so only names, places and numbers tell two events of one kind apart.

The other scenarios live beside this module: site-template pages and follow-ups in a crawl of
look-alike incidents (``_corpora.messy_incidents``), rewritten copies (``_corpora.messy_rewrites``),
and reposts of real texts with roundup pages at benchmark scale (``_corpora.messy_feed``).
``_messy_eval`` scores a :func:`~newsdedup.dedup` result against the labels.

Everything is deterministic in its arguments: ``random.Random`` seeded with integers or
BLAKE2b digests, never the salted ``hash()``.

>>> docs = [BaseDocument(f"d{n}", "\\n\\n".join(f"Paragraph {p} of story {n} tells more."
...                                            for p in range(6)), f"e{n}") for n in range(4)]
>>> corpus = excerpt_feed(docs, seed=1)
>>> {corpus.labels[a.id].kind for a in corpus.articles} >= {"original", "truncated"}
True
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from .._text.article import Article
from .._text.paragraphs import split_lines
from .syndication import _edit, _later, _syndicate, digest
from .synthetic import ArticleLabels, SyntheticCorpus

__all__ = [
    "FEED_TEASER_ENDINGS",
    "BaseDocument",
    "LabelledPair",
    "MessyCorpus",
    "aggregator_names",
    "base_documents",
    "briefing_feed",
    "caseless_script",
    "digest_feed",
    "distinct_documents",
    "excerpt_feed",
    "feed_teaser",
    "headline",
    "inflected_script",
    "inflection_chooser",
    "lookalike_events",
    "messy_repost",
    "normalize_quotes",
    "outlet_names",
    "related_lists",
    "teaser",
    "wrongly_decoded",
]

START = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
_AGGREGATOR_WORDS = ("daily", "news", "top", "headline", "world", "metro", "buzz", "flash",
                     "prime", "quick", "smart", "open", "global", "local", "fresh", "first",
                     "nation", "city", "pulse", "wave", "signal", "brief", "point", "view")
_AGGREGATOR_ENDS = ("feed", "hub", "wire", "digest", "now", "roundup", "stream", "today")
_OUTLET_WORDS = ("river", "valley", "harbor", "summit", "capital", "prairie", "coast", "lake",
                 "pine", "granite", "union", "liberty", "central", "northern", "southern",
                 "eastern", "western", "bay", "mountain", "county")
_OUTLET_ENDS = ("times", "herald", "post", "gazette", "tribune", "observer", "journal",
                "courier")
_WORD = re.compile(r"\w+")


@attrs.frozen(slots=True)
class BaseDocument:
    """A real text to build scenarios from, with its gold event (the story).

    >>> BaseDocument("1_10ecb", "Tara Reid checked into rehab.", "1-a", "1").event
    '1-a'
    """

    id: str
    text: str
    event: str
    topic: str = ""
    title: str = ""


@attrs.frozen(slots=True)
class LabelledPair:
    """Two article ids and whether ``b`` derives from ``a`` (``kind`` says how, or why not).

    Kinds: ``"rewrite"`` (wholly rewritten), ``"partial-rewrite"`` (partly), ``"independent"``
    (another write-up of the same event), ``"unrelated"`` (a different event).
    """

    a: str
    b: str
    derived: bool
    kind: str


@attrs.frozen(slots=True)
class MessyCorpus(SyntheticCorpus):
    """A labelled scenario corpus: articles, their labels, the scenario's name and, for the
    rewrite scenario, labelled article pairs.

    >>> corpus = MessyCorpus((Article("a", "x", source="s.example"),),
    ...                      {"a": ArticleLabels("a", "a", "e", "a", "original")}, "demo")
    >>> corpus.without_sites().articles[0].source is None
    True
    """

    name: str = ""
    pairs: tuple[LabelledPair, ...] = ()

    def without_sites(self) -> MessyCorpus:
        """The same corpus with every ``source`` and ``url`` removed."""
        return attrs.evolve(self, articles=tuple(
            attrs.evolve(article, source=None, url=None) for article in self.articles))

    def wrongly_decoded(self, share: float, seed: int = 0) -> MessyCorpus:
        """The same corpus with ``share`` of its copies (every article but the originals,
        drawn by ``seed``) shown through a wrong decoding, as an aggregator with the wrong
        charset gives them: UTF-8 read as Windows-1252 (:func:`wrongly_decoded`), a fifth of
        them twice over. Labels unchanged: a copy stays its original's copy."""
        chooser = random.Random(seed)
        articles = []
        for article in self.articles:
            if self.labels[article.id].kind != "original" and chooser.random() < share:
                article = attrs.evolve(article, text=wrongly_decoded(
                    article.text, 2 if chooser.random() < 0.2 else 1))
            articles.append(article)
        return attrs.evolve(self, articles=tuple(articles))

    def dates_lost(self, undated: float, late: float, seed: int = 0) -> MessyCorpus:
        """The same corpus with ``undated`` of its originals (drawn by ``seed``) crawled
        without a date, and ``late`` of the others dated a day late (an updated time, a
        wrong time zone): the copies are then the first dated. Labels unchanged: the
        original is still the canonical to show."""
        chooser = random.Random(f"dates-lost:{seed}")
        articles = []
        for article in self.articles:
            published = article.published
            if self.labels[article.id].kind == "original" and published is not None:
                draw = chooser.random()
                if draw < undated:
                    article = attrs.evolve(article, published=None)
                elif draw < undated + late:
                    article = attrs.evolve(article, published=published + dt.timedelta(days=1))
            articles.append(article)
        return attrs.evolve(self, articles=tuple(articles))

    def caseless(self) -> MessyCorpus:
        """The same corpus written in a script without case (:func:`caseless_script`): the
        same words, no capitals to mark names, no English weekdays or months to read.
        Labels unchanged."""
        return attrs.evolve(self, articles=tuple(
            attrs.evolve(article, text=caseless_script(article.text),
                         title=None if article.title is None
                         else caseless_script(article.title))
            for article in self.articles))

    def inflected(self, rate: float = 0.4, seed: int = 0) -> MessyCorpus:
        """The same corpus written in Cyrillic as an inflected language writes it
        (:func:`inflected_script`): each article's words take other endings, drawn for it
        alone (by ``seed`` and its id), as two reports in Ukrainian or Russian put one word
        in other cases. Labels unchanged."""
        return attrs.evolve(self, articles=tuple(
            attrs.evolve(article, text=inflected_script(article.text, rate, chooser),
                         title=None if article.title is None
                         else inflected_script(article.title, rate, chooser))
            for article in self.articles
            for chooser in [inflection_chooser(article.id, seed)]))

    def subset(self, keep: Callable[[ArticleLabels], bool]) -> MessyCorpus:
        """The articles whose labels pass ``keep`` (pairs kept when both ends are)."""
        articles = tuple(a for a in self.articles if keep(self.labels[a.id]))
        ids = {a.id for a in articles}
        return attrs.evolve(self, articles=articles,
                            labels={i: self.labels[i] for i in ids},
                            pairs=tuple(p for p in self.pairs if p.a in ids and p.b in ids))


#: Letters of two scripts without case (Hebrew without its final forms, then Thaana): one
#: for each Latin and Ukrainian Cyrillic letter, in :data:`_CASED_LETTERS` order.
_CASELESS_LETTERS = ("".join(chr(c) for c in range(0x05D0, 0x05EB)
                             if c not in (0x05DA, 0x05DD, 0x05DF, 0x05E3, 0x05E5))
                     + "".join(chr(c) for c in range(0x0780, 0x07A6)))
_CASED_LETTERS = "abcdefghijklmnopqrstuvwxyzабвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_TO_CASELESS = {ord(letter): _CASELESS_LETTERS[n]
                for n, cased in enumerate(_CASED_LETTERS)
                for letter in (cased, cased.upper())}


def caseless_script(text: str) -> str:
    """``text`` with each Latin and Ukrainian letter, either case, written as one letter of
    a script without case (Hebrew or Thaana): the same words and figures, as a text in
    Arabic, Hebrew or Devanagari gives them, with nothing capitalised.

    >>> caseless_script("Fire in Lima, 12 hurt.") == caseless_script("fire in LIMA, 12 hurt.")
    True
    >>> from newsdedup._text.terms import caseless_texts
    >>> caseless_texts([caseless_script("Fire in Lima, 12 hurt.")]).tolist()
    [True]
    """
    return text.translate(_TO_CASELESS)


#: Each Latin letter's Cyrillic letter (either case) in :func:`inflected_script`.
_TO_CYRILLIC = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                             "абцдефгхийклмнопкрстуввхизАБЦДЕФГХИЙКЛМНОПКРСТУВВХИЗ")
#: Endings of Ukrainian nouns and adjectives in their cases.
_ENDINGS = ("а", "и", "у", "ою", "ів", "ами", "ові", "ем", "ом", "і", "ах", "ого", "ому",
            "ий", "ої")
#: A word long enough to be inflected (four letters or more).
_INFLECTED_WORD = re.compile(r"[A-Za-z]{4,}")


def inflection_chooser(key: str, seed: int = 0) -> random.Random:
    """The draws of the endings of one article (or document) ``key`` in
    :func:`inflected_script`: its own, whatever the order of the articles."""
    return random.Random(f"inflected:{seed}:{key}")


def inflected_script(text: str, rate: float, chooser: random.Random) -> str:
    """``text`` in Cyrillic letters, each word of four letters or more taking another
    ending with ``rate`` (its last vowel dropped, one of ``_ENDINGS`` added): the words
    and figures of the text, told as an inflected language tells them, where a word's
    form changes from one sentence to the next and from one report to another.

    >>> inflected_script("Fire in Lima, 12 hurt.", 0.0, random.Random(0))
    'Фире ин Лима, 12 хурт.'
    """
    def inflect(word: re.Match[str]) -> str:
        letters = word.group()
        if chooser.random() >= rate:
            return letters
        stem = letters[:-1] if letters[-1] in "aeiouyAEIOUY" else letters
        return stem.translate(_TO_CYRILLIC) + chooser.choice(_ENDINGS)

    return _INFLECTED_WORD.sub(inflect, text).translate(_TO_CYRILLIC)


def wrongly_decoded(text: str, times: int = 1) -> str:
    """``text``'s UTF-8 bytes read as Windows-1252 (mojibake), ``times`` over; the bytes
    Windows-1252 leaves undefined read as the Latin-1 characters of those numbers, as
    browsers and most decoders read them.

    >>> wrongly_decoded("It’s a café"), wrongly_decoded("’", 2)
    ('Itâ€™s a cafÃ©', 'Ã¢â‚¬â„¢')
    """
    for _ in range(times):
        shown = []
        for byte in text.encode("utf-8", "surrogatepass"):
            try:
                shown.append(bytes([byte]).decode("cp1252"))
            except UnicodeDecodeError:
                shown.append(chr(byte))
        text = "".join(shown)
    return text


def base_documents(rows: Iterable[Mapping[str, str]], event: str | None = None
                   ) -> tuple[BaseDocument, ...]:
    """Base documents from mappings with ``id``, ``text`` and ``event`` (optional ``topic``,
    ``title``), e.g. the ECB+ JSONL rows; ``event`` gives every row that event instead.

    >>> base_documents([{"id": "a", "text": "t", "event": "1-a", "topic": "1"}])[0].topic
    '1'
    """
    return tuple(BaseDocument(str(row["id"]), str(row["text"]),
                              event if event is not None else str(row["event"]),
                              str(row.get("topic", event or "")), str(row.get("title", "")))
                 for row in rows)


def _shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i:i + size]) for i in range(max(0, len(words) - size + 1))}


def distinct_documents(docs: Sequence[BaseDocument], containment: float = 0.5
                       ) -> tuple[BaseDocument, ...]:
    """``docs`` without those that share at least ``containment`` of their word 5-grams with
    a document kept before them: a base corpus can hold copies (ECB+ has a few), and two
    copies used as different originals would make the gold groups wrong.

    >>> docs = [BaseDocument("a", "one two three four five six", "e"),
    ...         BaseDocument("b", "one two three four five six seven", "e")]
    >>> [d.id for d in distinct_documents(docs)]
    ['a']
    """
    kept: list[BaseDocument] = []
    owners: dict[tuple[str, ...], list[int]] = {}
    for doc in docs:
        shingles = _shingles(doc.text)
        shared: dict[int, int] = {}
        for shingle in shingles:
            for owner in owners.get(shingle, ()):
                shared[owner] = shared.get(owner, 0) + 1
        if any(count >= containment * len(shingles) for count in shared.values()):
            continue
        for shingle in shingles:
            owners.setdefault(shingle, []).append(len(kept))
        kept.append(doc)
    return tuple(kept)


def headline(text: str, words: int = 10) -> str:
    """A title for an untitled text: the first ``words`` words of its first sentence, after a
    leading URL (ECB+ "b" documents begin with one, tokenized) and its slug.

    >>> headline("Quake hits Iran: dozens hurt. More later.")
    'Quake hits Iran: dozens hurt'
    >>> headline("http: / / x. com / 2013 / la - quake - 0504 Quake hits Iran. More.")
    'Quake hits Iran'
    """
    lead = text.strip()
    if lead.startswith("http"):
        tokens = lead.split("\n", 1)[0].rsplit(" / ", 1)[-1].split()
        while tokens and re.fullmatch(r"[a-z0-9._?=&%-]+|\S*\d\S*", tokens[0]):
            tokens = tokens[1:]  # the URL's slug
        rest = text.strip().split("\n", 1)[1:]
        lead = " ".join(tokens) if len(tokens) >= 3 or not rest else rest[0].strip()
    tokens = re.split(r"(?<=[.!?])\s", lead, maxsplit=1)[0].split()
    return " ".join(tokens[:words]).rstrip(".!?") or "Untitled"


def aggregator_names(count: int) -> tuple[str, ...]:
    """``count`` distinct aggregator domains, the same for every scenario.

    >>> aggregator_names(2)
    ('dailyfeed.example', 'newshub.example')
    """
    names = [f"{word}{end}.example" for offset in range(len(_AGGREGATOR_ENDS))
             for number, word in enumerate(_AGGREGATOR_WORDS)
             for end in (_AGGREGATOR_ENDS[(number + offset) % len(_AGGREGATOR_ENDS)],)]
    return tuple(names[:count])


def outlet_names(count: int) -> tuple[str, ...]:
    """``count`` distinct outlet domains (the publishers of originals).

    >>> outlet_names(1)
    ('river-times.example',)
    """
    names = [f"{word}-{_OUTLET_ENDS[(number + offset) % len(_OUTLET_ENDS)]}.example"
             for offset in range(len(_OUTLET_ENDS))
             for number, word in enumerate(_OUTLET_WORDS)]
    return tuple(names[:count])


_TO_STRAIGHT = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def normalize_quotes(text: str, curly: bool) -> str:
    """Quotes made straight, or curly (opening after a space or line start).

    >>> normalize_quotes('He said "yes" and it\\'s done', curly=True)
    'He said \u201cyes\u201d and it\u2019s done'
    >>> normalize_quotes('\u201cNo\u201d', curly=False)
    '"No"'
    """
    text = text.translate(_TO_STRAIGHT)
    if not curly:
        return text
    text = re.sub(r'(^|[\s(\[])"', "\\1\u201c", text)
    text = re.sub(r"(^|[\s(\[])'", "\\1\u2018", text)
    return text.replace('"', "\u201d").replace("'", "\u2019")


def messy_repost(original: Article, labels: ArticleLabels, *, id: str, aggregator: str,
                 chooser: random.Random, header: bool, footer: bool,
                 truncate: float | None = None, edits: int = 0, move: bool = False,
                 quotes: bool | None = None, hours: float = 1.0,
                 kind: str | None = None) -> tuple[Article, ArticleLabels]:
    """An aggregator's repost of ``original`` with its gold labels.

    The first ``truncate`` share of the paragraphs (all if None) is kept, ``edits`` words of
    one sentence are replaced, one paragraph after the first is ``move``-d, quotes are made
    curly (True) or straight (False), and the aggregator's header line and fixed footer
    (:func:`~newsdedup._corpora.syndication.aggregator_boilerplate`) are added. It is published
    ``hours`` after the original; its ``kind`` is ``"truncated"`` when cut, else ``"copy"``.
    """
    paragraphs = split_lines(original.text)
    out, boilerplate, offset, kept = _syndicate(
        paragraphs, source=aggregator, origin=original.source, chooser=chooser, header=header,
        footer=footer, edit=False, truncate=truncate)
    body = list(range(offset, offset + kept))
    editable = [i for i in body if out[i].count(" ") >= 5]
    if edits and editable:
        at = chooser.choice(editable)
        out[at] = _edit(out[at], chooser, edits)
    if move and kept >= 3:
        source_at = chooser.choice(body[1:])
        paragraph = out.pop(source_at)
        targets = [i for i in body[1:] if i != source_at]
        out.insert(chooser.choice(targets), paragraph)
    text = "\n\n".join(out)
    if quotes is not None:
        text = normalize_quotes(text, quotes)
    cut = kept < len(paragraphs)
    article = Article(id=id, text=text, title=original.title, source=aggregator,
                      url=f"https://{aggregator}/{id}", published=_later(original.published, hours))
    return article, ArticleLabels(
        id, labels.group, labels.story, labels.canonical,
        kind or ("truncated" if cut else "copy"), boilerplate, key_terms=labels.key_terms,
        derived_from=original.id)


def _original(doc: BaseDocument, *, id: str | None = None, text: str | None = None,
              outlet: str, published: dt.datetime, event: str | None = None
              ) -> tuple[Article, ArticleLabels]:
    article_id = id or doc.id
    body = doc.text if text is None else text
    article = Article(id=article_id, text=body, title=doc.title or headline(body),
                      source=outlet, url=f"https://{outlet}/{article_id}", published=published)
    return article, ArticleLabels(article_id, f"g:{article_id}", event or doc.event,
                                  article_id, "original")


def _n_paragraphs(doc: BaseDocument) -> int:
    return len(split_lines(doc.text))


def _reposts(original: tuple[Article, ArticleLabels], count: int, aggregators: Sequence[str],
             chooser: random.Random, truncate_rate: float,
             truncate_range: tuple[float, float] = (0.6, 0.8)
             ) -> list[tuple[Article, ArticleLabels]]:
    article, labels = original
    out = []
    for aggregator in chooser.sample(list(aggregators), count):
        cut = chooser.uniform(*truncate_range) if chooser.random() < truncate_rate else None
        out.append(messy_repost(
            article, labels, id=f"{article.id}~{aggregator}", aggregator=aggregator,
            chooser=chooser, header=chooser.random() < 0.5, footer=chooser.random() < 0.85,
            truncate=cut, edits=chooser.randint(0, 2), hours=chooser.uniform(0.5, 48)))
    return out


def digest_feed(docs: Sequence[BaseDocument], seed: int = 0, *, n_cases: int = 40,
                long_first: Sequence[BaseDocument] = (), short_paragraphs: int = 3,
                reposts: tuple[int, int] = (2, 4), long_reposts: tuple[int, int] = (0, 3),
                truncate_rate: float = 0.4, same_aggregator_rate: float = 0.5,
                n_aggregators: int = 12, start: dt.datetime = START) -> MessyCorpus:
    """Digest pages each carrying a short article and a longer one of another event, whole.

    Each case: the short article (at most ``short_paragraphs`` paragraphs) and the long one
    are originals of two outlets; the short one is reposted ``reposts`` times and the long one
    ``long_reposts`` times by aggregators (header on half, footer on most, some truncated to
    60-80%, 0-2 words edited); a digest page by an aggregator (in ``same_aggregator_rate`` of
    the cases one that also reposted the short article) carries both under their titles,
    with that aggregator's header and footer. ``long_first`` (e.g. the seed articles) are
    used first as the long articles. Gold: originals and their reposts form a group (the
    original canonical); a digest is its own group and story (``kind="digest"``, ``parts``).
    """
    chooser = random.Random(seed)
    aggregators = aggregator_names(n_aggregators)
    outlets = outlet_names(20)
    pool = distinct_documents(list(long_first) + list(docs))
    short = [d for d in pool if 1 <= _n_paragraphs(d) <= short_paragraphs and d not in long_first]
    long = [d for d in pool if _n_paragraphs(d) >= 5 and d not in short]
    chooser.shuffle(short)
    chooser.shuffle(long)
    long.sort(key=lambda d: d not in long_first)  # stable: long_first first, rest shuffled
    articles: list[tuple[Article, ArticleLabels]] = []
    used: set[str] = set()
    for number in range(n_cases):
        small = next((d for d in short if d.id not in used), None)
        big = next((d for d in long if d.id not in used and small is not None
                    and d.topic != small.topic), None)
        if small is None or big is None:
            break
        used.update((small.id, big.id))
        when = start + dt.timedelta(days=chooser.uniform(0, 60))
        first = _original(small, outlet=chooser.choice(outlets), published=when)
        second = _original(big, outlet=chooser.choice(outlets),
                           published=when + dt.timedelta(hours=chooser.uniform(0, 24)))
        short_copies = _reposts(first, chooser.randint(*reposts), aggregators, chooser,
                                truncate_rate)
        long_copies = _reposts(second, chooser.randint(*long_reposts), aggregators, chooser,
                               truncate_rate)
        articles += [first, second, *short_copies, *long_copies]
        posted_by = ([c.source for c, _ in short_copies if c.source]
                     if chooser.random() < same_aggregator_rate else [])
        aggregator = chooser.choice(posted_by or list(aggregators))
        page = digest([first[0], second[0]], id=f"digest-{seed}-{number}", source=aggregator)
        paragraphs, boilerplate, _, _ = _syndicate(
            split_lines(page.text), source=aggregator, origin=None, chooser=chooser,
            header=chooser.random() < 0.5, footer=True, edit=False, truncate=None)
        page = attrs.evolve(page, text="\n\n".join(paragraphs), title=f"{aggregator} digest",
                            url=f"https://{aggregator}/{page.id}")
        articles.append((page, ArticleLabels(page.id, f"g:{page.id}", f"digest:{page.id}",
                                             page.id, "digest", boilerplate,
                                             parts=(first[0].id, second[0].id))))
    return _corpus("digests", articles)


#: A sentence end inside a paragraph (before a capital), where a teaser may be cut.
_SENTENCE_BREAK = re.compile(r"(?<=[a-z0-9][.!?])\s+(?=[A-Z])")


def _opening_lines(text: str) -> list[str] | None:
    """The lines of ``text``; None when it has none or opens with an address line (ECB+
    "b" documents begin with a tokenized URL), which no teaser quotes."""
    lines = split_lines(text)
    if not lines or lines[0].strip().startswith("http"):
        return None
    return lines


def teaser(text: str, words: int = 25) -> str | None:
    """A briefing's teaser of ``text``: the first sentences of its first paragraph, at least
    ``words`` words but not the whole paragraph, with an ellipsis; None when its first
    paragraph is an address or has no such opening.

    >>> teaser("One two three four. Five six seven. Eight nine.", words=5)
    'One two three four. Five six seven. \u2026'
    """
    lines = _opening_lines(text)
    if lines is None:
        return None
    sentences = _SENTENCE_BREAK.split(lines[0].strip())
    for count in range(1, len(sentences)):
        opening = " ".join(sentences[:count])
        if len(opening.split()) >= words:
            return f"{opening} \u2026"
    return None


#: How a feed's description ends where it cuts its article.
FEED_TEASER_ENDINGS = ("\u2026", " [...]", "... Read more", " [\u2026] Continue reading")


def feed_teaser(text: str, words: int, ending: str) -> str | None:
    """A feed's description of ``text``: its first ``words`` words run together in one
    paragraph, across its paragraphs and cut anywhere, then ``ending``; None when the text
    starts with an address line or is not longer than that.

    >>> feed_teaser("One two three.\\n\\nFour five six seven.", 5, " [...]")
    'One two three. Four five [...]'
    """
    lines = _opening_lines(text)
    if lines is None:
        return None
    tokens = " ".join(lines).split()
    if len(tokens) <= words:
        return None
    return " ".join(tokens[:words]) + ending


def briefing_feed(docs: Sequence[BaseDocument], seed: int = 0, *, n_briefings: int = 30,
                  teasers: tuple[int, int] = (5, 8), start: dt.datetime = START
                  ) -> MessyCorpus:
    """Articles and briefings teasing them: newsletter pages each made of a header, the
    teasers (:func:`teaser`) of ``teasers`` articles of different topics published that day,
    and a footer. Every document with a teaser is an original of an outlet, published over
    ten days. Gold: each original its own group, its event its story; a briefing is its own
    group and story (``kind="digest"``, ``parts``).
    """
    chooser = random.Random(seed)
    outlets = outlet_names(20)
    pool = [d for d in distinct_documents(docs) if teaser(d.text) is not None]
    articles: list[tuple[Article, ArticleLabels]] = []
    for doc in pool:
        articles.append(_original(doc, outlet=chooser.choice(outlets),
                                  published=start + dt.timedelta(days=chooser.uniform(0, 10))))
    by_topic: dict[str, list[tuple[Article, ArticleLabels]]] = {}
    for doc, original in zip(pool, list(articles), strict=True):
        by_topic.setdefault(doc.topic, []).append(original)
    topics = sorted(by_topic)
    for number in range(n_briefings):
        chosen = chooser.sample(topics, min(len(topics), chooser.randint(*teasers)))
        parts = [chooser.choice(by_topic[topic])[0] for topic in chosen]
        sender = chooser.choice(outlets)
        body = [f"{sender} briefing: the stories you need to know today.",
                *(str(teaser(part.text)) for part in parts),
                f"You are receiving this briefing because you subscribed at {sender}."]
        when = max(part.published for part in parts if part.published is not None)
        page = Article(id=f"briefing-{seed}-{number}", text="\n\n".join(body),
                       title=f"{sender} briefing", source=sender,
                       url=f"https://{sender}/briefing-{number}",
                       published=when + dt.timedelta(hours=2))
        articles.append((page, ArticleLabels(page.id, f"g:{page.id}", f"digest:{page.id}",
                                             page.id, "digest",
                                             parts=tuple(part.id for part in parts))))
    return _corpus("briefings", articles)


def related_lists(docs: Sequence[BaseDocument], seed: int = 0, *, n_sites: int = 6,
                  listed: int = 6, start: dt.datetime = START) -> MessyCorpus:
    """Every document as an original on one of ``n_sites`` sites, published over three
    days, its page ending with a list of ``listed`` related stories: the headlines
    (:func:`headline`) of other documents drawn at random, as crawled pages carry them
    when the extraction keeps the page's links (none with ``listed=0``: the same pages,
    sites and dates without lists). Gold: each original its own group, its event its
    story; the list lines are labelled boilerplate.
    """
    chooser, lister = random.Random(seed), random.Random(f"lists-{seed}")
    sites = [f"site{number}.example" for number in range(n_sites)]
    pool = distinct_documents(docs)
    heads = {doc.id: headline(doc.text).strip() for doc in pool}
    articles: list[tuple[Article, ArticleLabels]] = []
    for doc in pool:
        related = [heads[other.id] for other in lister.sample(pool, listed)]
        lines = ["Related stories:", *related] if related else []
        first = len(split_lines(doc.text))
        article, labels = _original(
            doc, text="\n\n".join([doc.text, *lines]), outlet=chooser.choice(sites),
            published=start + dt.timedelta(hours=chooser.uniform(0, 72)))
        articles.append((article, attrs.evolve(
            labels, boilerplate_paragraphs=tuple(range(first, first + len(lines))))))
    return _corpus("related-lists", articles)


def excerpt_feed(docs: Sequence[BaseDocument], seed: int = 0, *, n_sources: int = 60,
                 min_paragraphs: int = 5, full_reposts: tuple[int, int] = (0, 2),
                 truncated: tuple[int, int] = (1, 2),
                 truncate_range: tuple[float, float] = (0.6, 0.67), lead_rate: float = 0.6,
                 lead_range: tuple[float, float] = (0.3, 0.45), late_rate: float = 0.3,
                 late_days: tuple[float, float] = (10, 20), n_aggregators: int = 12,
                 teaser_rate: float = 0.5, teaser_words: tuple[int, int] = (30, 70),
                 start: dt.datetime = START) -> MessyCorpus:
    """Sources with full reposts, reposts cut to the first ``truncate_range`` share of their
    paragraphs, and lead excerpts (the first ``lead_range`` share, with a "read the full
    story" line), a ``late_rate`` share of the cut ones published ``late_days`` after the
    source. Cut reposts keep their text verbatim (a footer on half, no edits). Gold: all in
    the source's group and story (kinds ``"copy"``, ``"truncated"``, ``"excerpt"``).

    A ``teaser_rate`` share of the sources also has a feed's description on an aggregator
    (:func:`feed_teaser`: its first ``teaser_words`` words in one paragraph, cut anywhere,
    with an ending from ``FEED_TEASER_ENDINGS``; kind ``"teaser"``), published within two
    days. Teasers are drawn from a chooser of their own, so the other articles are those of
    a feed without them.
    """
    chooser = random.Random(seed)
    teasers = random.Random(f"teasers-{seed}")
    aggregators = aggregator_names(n_aggregators)
    outlets = outlet_names(20)
    pool = [d for d in distinct_documents(docs) if _n_paragraphs(d) >= min_paragraphs]
    chooser.shuffle(pool)
    articles: list[tuple[Article, ArticleLabels]] = []
    for doc in pool[:n_sources]:
        source = _original(doc, outlet=chooser.choice(outlets),
                           published=start + dt.timedelta(days=chooser.uniform(0, 60)))
        articles.append(source)
        description = feed_teaser(source[0].text, teasers.randint(*teaser_words),
                                  teasers.choice(FEED_TEASER_ENDINGS))
        if teasers.random() < teaser_rate and description is not None:
            aggregator = teasers.choice(aggregators)
            teaser_id = f"{doc.id}~teaser"
            articles.append((
                Article(id=teaser_id, text=description, title=source[0].title,
                        source=aggregator, url=f"https://{aggregator}/{teaser_id}",
                        published=_later(source[0].published, teasers.uniform(0.5, 48))),
                ArticleLabels(teaser_id, source[1].group, source[1].story, source[1].canonical,
                              "teaser", (), key_terms=source[1].key_terms,
                              derived_from=source[0].id)))
        articles += _reposts(source, chooser.randint(*full_reposts), aggregators, chooser, 0.0)
        n_paragraphs = _n_paragraphs(doc)
        cuts = [("truncated", chooser.uniform(*truncate_range))
                for _ in range(chooser.randint(*truncated))]
        if chooser.random() < lead_rate:
            cuts.append(("excerpt", chooser.uniform(*lead_range)))
        for number, (kind, share) in enumerate(cuts):
            late = chooser.random() < late_rate
            hours = 24 * chooser.uniform(*late_days) if late else chooser.uniform(0.5, 48)
            article, labels = messy_repost(
                source[0], source[1], id=f"{doc.id}~{kind}{number}",
                aggregator=chooser.choice(aggregators), chooser=chooser,
                header=kind == "truncated" and chooser.random() < 0.3,
                footer=chooser.random() < 0.5, truncate=max(1, round(share * n_paragraphs))
                / n_paragraphs, hours=hours, kind=kind)
            if kind == "excerpt":
                article = attrs.evolve(article, text=article.text + "\n\nRead the full story at "
                                       f"{source[0].source}.")
                labels = attrs.evolve(labels, boilerplate_paragraphs=(
                    *labels.boilerplate_paragraphs, len(split_lines(article.text)) - 1))
            articles.append((article, labels))
    return _corpus("excerpts", articles)


def lookalike_events(docs: Sequence[BaseDocument], seed: int = 0, *,
                     reposts: tuple[int, int] = (0, 3), truncate_rate: float = 0.3,
                     day: dt.datetime = dt.datetime(2024, 5, 6, 6, tzinfo=dt.UTC),
                     n_aggregators: int = 12) -> MessyCorpus:
    """One report per event (drawn by ``seed``), every one published on ``day`` (within 12
    hours), each with ``reposts`` same-day reposts. With ECB+, each topic holds two events of
    one kind (two earthquakes, two arrests of players of one team): only what the texts say
    (names, places, numbers) keeps them apart. Gold story: the event.
    """
    chooser = random.Random(seed)
    aggregators = aggregator_names(n_aggregators)
    outlets = outlet_names(20)
    by_event: dict[str, list[BaseDocument]] = {}
    for doc in distinct_documents(docs):
        by_event.setdefault(doc.event, []).append(doc)
    articles: list[tuple[Article, ArticleLabels]] = []
    for event in sorted(by_event):
        doc = chooser.choice(sorted(by_event[event], key=lambda d: d.id))
        report = _original(doc, outlet=chooser.choice(outlets),
                           published=day + dt.timedelta(hours=chooser.uniform(0, 12)))
        articles.append(report)
        for article, labels in _reposts(report, chooser.randint(*reposts), aggregators, chooser,
                                        truncate_rate):
            # Same day: a repost follows within the hours left before midnight.
            published = report[0].published
            assert published is not None
            late = min(published + dt.timedelta(hours=chooser.uniform(0.5, 6)),
                       day.replace(hour=23, minute=59))
            articles.append((attrs.evolve(article, published=late), labels))
    return _corpus("lookalike-events", articles)


def _corpus(name: str, pairs: Sequence[tuple[Article, ArticleLabels]],
            labelled: Sequence[LabelledPair] = ()) -> MessyCorpus:
    return MessyCorpus(tuple(article for article, _ in pairs),
                       {labels.id: labels for _, labels in pairs}, name, tuple(labelled))
