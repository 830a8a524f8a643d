"""HTML views of results: what a notebook shows (``_repr_html_``) and what the report is made of.

Every view is a self-contained fragment: one ``<div class="nd">`` with its own ``<style>``
(class names prefixed ``nd``, nothing global), no script, no external asset. Article text and
ids are untrusted input: every value goes through :func:`html.escape` (quotes included), so a
``<script>`` in a text or an id is shown, never run. Colours are translucent tints over the
page's own background and text colour (``currentColor``), so the views read in light and dark
themes alike; ``<mark>`` and ``<del>`` carry the meaning where a renderer strips styles.

Views are bounded whatever the result's size: tables show their first rows and count the
rest, texts are cut per paragraph and per article (:class:`Limits`).
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .._core.wording import counted

if TYPE_CHECKING:  # pragma: no cover
    from .result import (
        ArticleResult,
        DedupResult,
        DuplicateGroup,
        Match,
        Story,
        _Catalog,
    )

__all__ = ["CSS", "Limits", "article_html", "excerpt", "group_html", "items_html",
           "match_html", "result_html", "story_html", "summary_rows"]

CSS = """
.nd{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:13px;
line-height:1.45;color:inherit;max-width:100%;overflow-x:auto}
.nd table{border-collapse:collapse;margin:.4em 0;width:auto}
.nd th,.nd td{border:1px solid rgba(128,128,128,.35);padding:3px 8px;text-align:left;
vertical-align:top;color:inherit;background:transparent}
.nd th{font-weight:600;background:rgba(128,128,128,.12)}
.nd td.num,.nd th.num{text-align:right;font-variant-numeric:tabular-nums}
.nd code{font-size:12px;background:rgba(128,128,128,.14);padding:0 3px;border-radius:3px;
color:inherit;white-space:nowrap}
.nd .nd-muted{opacity:.7}
.nd .nd-title{font-size:15px;font-weight:600;margin:.2em 0}
.nd .nd-side{table-layout:fixed;width:100%}
.nd .nd-side td,.nd .nd-side th{width:47%}
.nd .nd-side td.nd-sim,.nd .nd-side th.nd-sim{width:72px;text-align:center;font-size:12px}
.nd .nd-p{margin:0 0 .35em;padding:2px 6px;border-left:3px solid transparent;
white-space:pre-wrap;overflow-wrap:anywhere}
.nd mark.nd-p,.nd .nd-shared{display:block;color:inherit;background:rgba(255,190,0,.25);
border-left-color:rgba(230,150,0,.95)}
.nd .nd-boiler{opacity:.6;border-left:3px dashed rgba(128,128,128,.8);
text-decoration:line-through rgba(128,128,128,.6)}
.nd .nd-repeat{background:rgba(230,60,60,.16);border-left-color:rgba(220,50,50,.9)}
.nd .nd-i{opacity:.6;font-size:11px;margin-right:5px;font-variant-numeric:tabular-nums}
.nd .nd-badge{display:inline-block;font-size:11px;line-height:1.3;padding:0 5px;
margin:0 4px 0 0;border:1px solid rgba(128,128,128,.6);border-radius:8px;white-space:nowrap}
.nd .nd-badge.nd-hot{border-color:rgba(230,150,0,.95)}
.nd details{margin:.3em 0}.nd summary{cursor:pointer}
.nd .nd-bar{display:inline-block;height:.7em;background:rgba(230,150,0,.8);
vertical-align:middle}
"""

_SHARED_HELP = ("highlighted: paragraphs the two texts share (exact Jaccard or containment "
                "of their shingles); struck out: boilerplate; red: a paragraph repeated "
                "inside its article")


@attrs.frozen
class Limits:
    """How much a view shows: rows of tables, members side by side, paragraph lengths."""

    rows: int = 10  # rows of the result's group and story tables
    members: int = 6  # members shown beside the canonical
    paragraphs: int = 60  # paragraphs per article or side-by-side table
    chars: int = 700  # characters per paragraph
    groups: int = 25  # groups listed in a story
    pairs: int = 40  # paragraph pairs of a match


NOTEBOOK = Limits()


def esc(value: object) -> str:
    """``value`` as escaped HTML text (quotes too: safe in attributes)."""
    return html.escape(str(value), quote=True)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def excerpt(article: ArticleResult | None, limit: int = 110) -> str:
    """A short line about an article: its title, else its first paragraph (plain text)."""
    if article is None:
        return ""
    title = article.title
    if title:
        return _cut(" ".join(title.split()), limit)
    text = article.text
    if not text:
        return ""
    flagged = {b.index for b in article.boilerplate_paragraphs}
    paragraphs = article.paragraphs
    first = next((p for i, p in enumerate(paragraphs) if i not in flagged), paragraphs[0]
                 if paragraphs else "")
    return _cut(" ".join(first.split()), limit)


def _wrap(body: str, css: bool = True) -> str:
    return f'<div class="nd">{f"<style>{CSS}</style>" if css else ""}{body}</div>'


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = (),
           more: int = 0, noun: str = "rows") -> str:
    """An HTML table; cells are HTML already. ``numeric`` columns are right-aligned."""
    right = set(numeric)
    head = "".join(f'<th{" class=num" if n in right else ""}>{esc(h)}</th>'
                   for n, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if n in right else ""}>{cell}</td>'
                                    for n, cell in enumerate(row)) + "</tr>" for row in rows)
    tail = (f'<div class="nd-muted">… and {more:,} more {esc(noun)}</div>' if more > 0
            else "")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{tail}"


def _pairs(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table of (label, HTML value) rows, labels as row headers."""
    body = "".join(f"<tr><th>{esc(label)}</th><td>{value}</td></tr>" for label, value in rows)
    return f"<table><tbody>{body}</tbody></table>"


def _score(value: float) -> str:
    return f"{value:.2f}"


def _date(article: ArticleResult | None) -> str:
    value = article.metadata.get("published") if article is not None else None
    return esc(str(value)[:16].replace("T", " ")) if value else ""


def _url(article: ArticleResult | None) -> str | None:
    value = article.metadata.get("url") if article is not None else None
    return value if isinstance(value, str) else None


def _meta(article: ArticleResult | None, key: str) -> str:
    value = article.metadata.get(key) if article is not None else None
    return esc(value) if value else ""


def summary_rows(result: DedupResult) -> list[tuple[str, str]]:
    """(label, value) pairs of a result's counts (the views' and the report's summary)."""
    n_articles = len(result.articles)
    removed = sum(1 for a in result.articles if not a.is_canonical)
    with_duplicates = sum(1 for g in result.groups if len(g.members) > 1)
    largest = max((len(g.members) for g in result.groups), default=0)
    repeated = sum(len(a.repeated_paragraphs) for a in result.articles)
    boilerplate = sum(len(a.boilerplate_paragraphs) for a in result.articles)
    from .._stories.rewrite import REWRITE  # loaded already: the result was made with it

    rewrites = sum(1 for m in result.matches if m.relation == REWRITE)
    reuse = sum(1 for m in result.matches if not m.is_duplicate) - rewrites
    rewritten = f", {rewrites:,} rewrite{'s' if rewrites != 1 else ''}" if rewrites else ""
    ratio = removed / n_articles if n_articles else 0.0
    return [
        ("articles", f"{n_articles:,}"),
        ("kept (one per group)", f"{n_articles - removed:,}"),
        ("removed as duplicates", f"{removed:,} ({ratio:.1%} duplicate ratio)"),
        ("duplicate groups", f"{with_duplicates:,} with duplicates, largest {largest:,} "
                             f"articles ({len(result.groups):,} groups in all)"),
        ("stories", f"{len(result.stories):,}"),
        ("matches", f"{len(result.matches):,} ({reuse:,} partial reuse{rewritten}, not "
                    "duplicates)"),
        ("repeated paragraphs", f"{repeated:,}"),
        ("boilerplate paragraphs", f"{boilerplate:,}"),
    ]


def _groups_table(groups: Sequence[DuplicateGroup], catalog: _Catalog, limit: int,
                  more: int = 0) -> str:
    rows = [(f"<code>{esc(g.id)}</code>", f"{len(g.members):,}",
             f"<code>{esc(g.canonical_id)}</code>", esc(g.canonical_rule),
             esc(excerpt(catalog.get(g.canonical_id))))
            for g in groups[:limit]]
    return _table(("group", "articles", "canonical", "chosen by", "canonical title or first "
                   "paragraph"), rows, numeric=(1,), more=more + max(0, len(groups) - limit),
                  noun="groups")


def _stories_table(stories: Sequence[Story], catalog: _Catalog, limit: int,
                   more: int = 0) -> str:
    rows = [(f"<code>{esc(s.id)}</code>", f"{len(s.member_ids):,}", f"{len(s.group_ids):,}",
             f"<code>{esc(s.canonical_id)}</code>", esc(s.canonical_rule),
             esc(excerpt(catalog.get(s.canonical_id))))
            for s in stories[:limit]]
    return _table(("story", "articles", "groups", "canonical", "chosen by", "title or first "
                   "paragraph"), rows, numeric=(1, 2), more=more + max(0, len(stories) - limit),
                  noun="stories")


def _by_size(items: Sequence[Any], size: Any) -> list[Any]:
    return sorted(items, key=lambda item: (-size(item), item.id))


def result_html(result: DedupResult, limits: Limits = NOTEBOOK) -> str:
    """The counts of a result, its largest groups and its largest stories."""
    catalog = result._catalog
    summary = _pairs((k, esc(v)) for k, v in summary_rows(result))
    multi = [g for g in result.groups if len(g.members) > 1]
    biggest = _by_size(multi, lambda g: len(g.members))[:limits.rows]
    stories = _by_size(result.stories, lambda s: len(s.member_ids))[:limits.rows]
    note = ("" if result.has_text or not result.articles else
            '<div class="nd-muted">Texts were not kept (a streamed input): run '
            "<code>dedup(..., keep_text=True)</code> to see them in the views.</div>")
    body = (f'<div class="nd-title">DedupResult</div>{summary}{note}'
            f"<div><b>Largest duplicate groups</b> "
            f'<span class="nd-muted">(<code>result.group(id)</code> shows one)</span></div>'
            + (_groups_table(biggest, catalog, limits.rows, len(multi) - len(biggest))
               if multi else '<div class="nd-muted">no duplicates</div>')
            + "<div><b>Largest stories</b></div>"
            + _stories_table(stories, catalog, limits.rows, len(result.stories) - len(stories)))
    return _wrap(body)


def _paragraph(index: int, text: str | None, classes: Sequence[str], badges: Sequence[str],
               limits: Limits) -> str:
    """One paragraph: its index, badges and (cut) text; shared paragraphs are ``<mark>``."""
    tag = "mark" if "nd-shared" in classes else "div"
    body = esc(_cut(text, limits.chars)) if text is not None else ""
    if "nd-boiler" in classes and text is not None:
        body = f"<del>{body}</del>"
    badge_html = "".join(badges)
    return (f'<{tag} class="nd-p {" ".join(classes)}"><span class="nd-i">¶{index}</span>'
            f"{badge_html}{body}</{tag}>")


def _badge(text: str, hot: bool = False) -> str:
    return f'<span class="nd-badge{" nd-hot" if hot else ""}">{esc(text)}</span>'


def _findings(article: ArticleResult | None) -> tuple[dict[int, str], dict[int, str]]:
    """Badge texts of an article's boilerplate and repeated paragraphs, by index."""
    if article is None:
        return {}, {}
    boilerplate = {b.index: ("boilerplate: recurs in " + f"{b.families} unrelated articles"
                             if b.reason == "recurring" else "boilerplate phrase")
                   for b in article.boilerplate_paragraphs}
    repeated = {r.index: f"repeats ¶{r.repeat_of} ({r.kind}, Jaccard {r.jaccard:.2f})"
                for r in article.repeated_paragraphs}
    return boilerplate, repeated


def _texts(article: ArticleResult | None) -> tuple[str, ...] | None:
    return article.paragraphs if article is not None and article.text is not None else None


def _article_paragraph(article: ArticleResult | None, texts: tuple[str, ...] | None,
                       index: int, shared: Sequence[tuple[int, float]], beside: int | None,
                       limits: Limits) -> str:
    """A paragraph of a side-by-side view; ``shared`` are its pairs on the other side (those
    off its row, i.e. not ``beside``, get a badge naming the other paragraph)."""
    boilerplate, repeated = _findings(article)
    classes, badges = [], []
    if shared:
        classes.append("nd-shared")
        badges += [_badge(f"shares ¶{j} · {s:.2f}", hot=True) for j, s in shared[:3]
                   if j != beside]
    if index in boilerplate:
        classes.append("nd-boiler")
        badges.append(_badge(boilerplate[index]))
    if index in repeated:
        classes.append("nd-repeat")
        badges.append(_badge(repeated[index]))
    text = texts[index] if texts is not None and index < len(texts) else None
    return _paragraph(index, text, classes, badges, limits)


def _align(pairs: Sequence[tuple[int, int, float]], n_left: int, n_right: int
           ) -> list[tuple[int | None, int | None, float | None]]:
    """Rows of a side-by-side view: matched pairs in order on one row (the longest run
    increasing on both sides, greedily), every other paragraph on a row of its own."""
    chosen, last_left, last_right = [], -1, -1
    for left, right, similarity in sorted(pairs):
        if left > last_left and right > last_right:
            chosen.append((left, right, similarity))
            last_left, last_right = left, right
    rows: list[tuple[int | None, int | None, float | None]] = []
    left_at = right_at = 0
    ends: list[tuple[int, int, float | None]] = [*chosen, (n_left, n_right, None)]
    for first, second, score in ends:
        rows += [(i, None, None) for i in range(left_at, first)]
        rows += [(None, j, None) for j in range(right_at, second)]
        if score is not None:
            rows.append((first, second, score))
        left_at, right_at = first + 1, second + 1
    return rows


def side_by_side(left: ArticleResult | None, right: ArticleResult | None,
                 left_id: str, right_id: str, pairs: Sequence[tuple[int, int, float]],
                 limits: Limits) -> str:
    """Two articles' paragraphs in two columns, shared pairs on one row with their score."""
    left_texts, right_texts = _texts(left), _texts(right)
    n_left = left.n_paragraphs if left is not None else max((p[0] for p in pairs), default=-1) + 1
    n_right = (right.n_paragraphs if right is not None
               else max((p[1] for p in pairs), default=-1) + 1)
    left_shared: dict[int, list[tuple[int, float]]] = defaultdict(list)
    right_shared: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for i, j, similarity in pairs:
        left_shared[i].append((j, similarity))
        right_shared[j].append((i, similarity))
    rows = _align(pairs, n_left, n_right)
    cells = []
    for row_left, row_right, score_or_none in rows[:limits.paragraphs]:
        first = (_article_paragraph(left, left_texts, row_left, left_shared.get(row_left, ()),
                                    row_right, limits) if row_left is not None else "")
        second = (_article_paragraph(right, right_texts, row_right,
                                     right_shared.get(row_right, ()), row_left, limits)
                  if row_right is not None else "")
        score = "" if score_or_none is None else (
            f'<span class="nd-bar" style="width:{max(2, round(score_or_none * 40))}px">'
            f"</span><br>{score_or_none:.2f}")
        cells.append(f'<tr><td>{first}</td><td class="nd-sim">{score}</td><td>{second}</td>'
                     "</tr>")
    more = len(rows) - limits.paragraphs
    tail = (f'<tr><td colspan=3 class="nd-muted">… {more:,} more rows</td></tr>'
            if more > 0 else "")
    missing = ("" if left_texts is not None and right_texts is not None else
               '<div class="nd-muted">(texts not kept: paragraph numbers only)</div>')
    return (f'{missing}<table class="nd-side"><thead><tr><th>¶ <code>{esc(left_id)}</code>'
            f'</th><th class="nd-sim">similarity</th><th>¶ <code>{esc(right_id)}</code></th>'
            f"</tr></thead><tbody>{''.join(cells)}{tail}</tbody></table>")


def group_html(group: DuplicateGroup, catalog: _Catalog | None, limits: Limits = NOTEBOOK,
               css: bool = True, open_members: int = 1) -> str:
    """A duplicate group: its members and, beside the canonical, each member's text with the
    paragraphs they share highlighted and scored; the rule that chose the canonical."""
    from .._near_duplicates.canonical import RULES, page_key

    def get(article_id: str) -> ArticleResult | None:
        return catalog.get(article_id) if catalog is not None else None

    canonical = get(group.canonical_id)
    pairs: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for entry in group.provenance:
        for carrier in entry.carriers:
            pairs[carrier.article_id].append((entry.index, carrier.paragraph_index,
                                              carrier.similarity))
    rows = []
    for member in group.members[:limits.rows * 5]:
        article = get(member.id)
        role = "canonical" if member.id == group.canonical_id else member.relation
        rows.append((f"<code>{esc(member.id)}</code>", esc(role),
                     _score(member.jaccard), _score(member.containment),
                     f"{len(pairs.get(member.id, ())):,}" if role != "canonical" else "",
                     _meta(article, "source"), _date(article), esc(excerpt(article, 70))))
    members = _table(("article", "relation to canonical", "Jaccard", "containment",
                      "shared ¶", "source", "published", "title or first paragraph"), rows,
                     numeric=(2, 3, 4), more=len(group.members) - len(rows), noun="members")
    rule = (f"canonical <code>{esc(group.canonical_id)}</code> chosen by "
            f"<b>{esc(group.canonical_rule)}</b> <span class=nd-muted>(rule, in order: "
            f"{esc(' → '.join(RULES))}; a user key replaces it)</span>")
    others = [m for m in group.members if m.id != group.canonical_id]
    page = page_key(_url(canonical))
    if page is not None and any(page_key(_url(get(m.id))) == page for m in others):
        rule += (" <span class=nd-muted>— versions of one page (the same url) all count from "
                 "the first version's time</span>")
    sides = []
    for number, member in enumerate(others[:limits.members]):
        shared = pairs.get(member.id, [])
        summary = (f"canonical <code>{esc(group.canonical_id)}</code> beside "
                   f"<code>{esc(member.id)}</code>: {esc(member.relation)}, Jaccard "
                   f"{member.jaccard:.2f}, containment {member.containment:.2f}, "
                   f"{len(shared)} shared paragraphs")
        sides.append(f"<details{' open' if number < open_members else ''}><summary>{summary}"
                     f"</summary>{side_by_side(canonical, get(member.id), group.canonical_id, member.id, shared, limits)}"  # noqa: E501
                     "</details>")
    if len(others) > limits.members:
        sides.append(f'<div class="nd-muted">… {len(others) - limits.members:,} more members '
                     "not shown side by side</div>")
    if not others and canonical is not None:
        sides.append(_paragraph_list(canonical, limits))
    help_line = f'<div class="nd-muted">{esc(_SHARED_HELP)}</div>' if others else ""
    body = (f'<div class="nd-title">Duplicate group <code>{esc(group.id)}</code>: '
            f"{len(group.members):,} article{'s' if len(group.members) != 1 else ''}</div>"
            f"<div>{rule}; story <code>{esc(group.story_id)}</code></div>{members}"
            f"{help_line}{''.join(sides)}")
    return _wrap(body, css)


def _paragraph_list(article: ArticleResult, limits: Limits) -> str:
    texts = _texts(article)
    if texts is None:
        return ('<div class="nd-muted">Text not kept: run <code>dedup(..., keep_text=True)'
                "</code> to see it.</div>")
    parts = [_article_paragraph(article, texts, index, (), None, limits)
             for index in range(min(len(texts), limits.paragraphs))]
    if len(texts) > limits.paragraphs:
        parts.append(f'<div class="nd-muted">… {len(texts) - limits.paragraphs:,} more '
                     "paragraphs</div>")
    return "".join(parts)


def article_html(article: ArticleResult, limits: Limits = NOTEBOOK, css: bool = True) -> str:
    """One article: where it stands (group, canonical, story) and its paragraphs, with
    repeated and boilerplate paragraphs marked."""
    role = ("the canonical of its group" if article.is_canonical else
            f"{esc(article.relation)} of <code>{esc(article.canonical_id)}</code> (Jaccard "
            f"{article.jaccard:.2f}, containment {article.containment:.2f})")
    facts = [("title", _meta(article, "title")), ("source", _meta(article, "source")),
             ("url", _meta(article, "url")), ("published", _date(article))]
    flags = [text for flag, text in ((article.is_digest, "a digest page"),
                                     (article.is_empty, "empty text")) if flag]
    body = (f'<div class="nd-title">Article <code>{esc(article.id)}</code></div>'
            f"<div>{role}; group <code>{esc(article.group_id)}</code>, story "
            f"<code>{esc(article.story_id)}</code>{'; ' + ', '.join(flags) if flags else ''}"
            f"</div>"
            + _pairs((k, v) for k, v in facts if v)
            + f"<div class=nd-muted>{article.n_paragraphs} paragraphs, "
              f"{len(article.repeated_paragraphs)} repeated, "
              f"{len(article.boilerplate_paragraphs)} boilerplate</div>"
            + _paragraph_list(article, limits))
    return _wrap(body, css)


def match_html(match: Match, catalog: _Catalog | None, limits: Limits = NOTEBOOK,
               css: bool = True, open_pairs: bool = True) -> str:
    """Two articles sharing text, or one retelling the other: their scores and their
    paragraph pairs side by side."""
    from .._stories.rewrite import REWRITE  # loaded already: the result was made with it

    def get(article_id: str) -> ArticleResult | None:
        return catalog.get(article_id) if catalog is not None else None

    first, second = get(match.a), get(match.b)
    first_texts, second_texts = _texts(first), _texts(second)
    rows = []
    for pair in match.shared_paragraphs[:limits.pairs]:
        left = (_paragraph(pair.a_index, first_texts[pair.a_index], ["nd-shared"], [], limits)
                if first_texts is not None else f"¶{pair.a_index}")
        right = (_paragraph(pair.b_index, second_texts[pair.b_index], ["nd-shared"], [],
                            limits) if second_texts is not None else f"¶{pair.b_index}")
        rows.append(f'<tr><td>{left}</td><td class="nd-sim">{pair.similarity:.2f}</td>'
                    f"<td>{right}</td></tr>")
    more = len(match.shared_paragraphs) - limits.pairs
    tail = (f'<tr><td colspan=3 class="nd-muted">… {more:,} more pairs</td></tr>'
            if more > 0 else "")
    copied = (f"Jaccard {match.jaccard:.2f}, containment {match.containment:.2f} (a in b "
              f"{match.a_in_b:.2f}, b in a {match.b_in_a:.2f})")
    if match.relation == REWRITE:
        # One article retells the other; its Jaccard is that of any text copied word for word.
        summary = (f"rewrite (not grouped): score {match.score:.2f}, "
                   + (f"copied text: {copied}, " if match.containment > 0 else "")
                   + f"{len(match.shared_paragraphs)} paragraph pairs (reworded"
                   + (" or copied" if match.containment > 0 else "") + ")")
    else:
        kind = "duplicates (grouped)" if match.is_duplicate else "partial reuse (not grouped)"
        summary = f"{kind}: {copied}, {len(match.shared_paragraphs)} shared paragraphs"
    body = (f'<div class="nd-title">Match <code>{esc(match.a)}</code> {esc(match.relation)} '
            f"<code>{esc(match.b)}</code></div><div>{summary}</div>"
            f"<details{' open' if open_pairs else ''}><summary>"
            f"{'paragraph pairs' if match.relation == REWRITE else 'shared paragraphs'}"
            "</summary>"
            f'<table class="nd-side"><thead><tr><th>¶ <code>{esc(match.a)}</code></th>'
            f'<th class="nd-sim">similarity</th><th>¶ <code>{esc(match.b)}</code></th></tr>'
            f"</thead><tbody>{''.join(rows)}{tail}</tbody></table></details>")
    return _wrap(body, css)


def story_html(story: Story, catalog: _Catalog | None, limits: Limits = NOTEBOOK,
               css: bool = True) -> str:
    """A story: its groups, largest first, each with its canonical's title and source."""
    members: dict[str, list[ArticleResult]] = defaultdict(list)
    if catalog is not None:
        for article_id in story.member_ids:
            article = catalog.get(article_id)
            if article is not None:
                members[article.group_id].append(article)
    ordered = sorted(story.group_ids, key=lambda g: (-len(members.get(g, ())), g))
    rows = []
    for group_id in ordered[:limits.groups]:
        articles = members.get(group_id, [])
        canonical = next((a for a in articles if a.is_canonical), None)
        rows.append((f"<code>{esc(group_id)}</code>", f"{len(articles):,}",
                     f"<code>{esc(canonical.id)}</code>" if canonical else "",
                     _meta(canonical, "source"), _date(canonical),
                     esc(excerpt(canonical))))
    table = _table(("group", "articles", "canonical", "source", "published",
                    "title or first paragraph"), rows, numeric=(1,),
                   more=len(ordered) - len(rows), noun="groups")
    head = catalog.get(story.canonical_id) if catalog is not None else None
    body = (f'<div class="nd-title">Story <code>{esc(story.id)}</code>: '
            f"{counted(len(story.member_ids), 'article')} in "
            f"{counted(len(story.group_ids), 'group')}</div>"
            f"<div>canonical <code>{esc(story.canonical_id)}</code> chosen by "
            f"<b>{esc(story.canonical_rule)}</b>"
            f"{': “' + esc(excerpt(head)) + '”' if head is not None else ''}</div>{table}")
    return _wrap(body, css)


def items_html(items: Sequence[Any], limits: Limits = NOTEBOOK) -> str:
    """A tuple of result objects (``result.groups``, ``.stories``, ...) as a bounded table."""
    from .result import ArticleResult, DuplicateGroup, Match, Story

    shown = items[:limits.rows * 2]
    more = len(items) - len(shown)
    first = items[0] if items else None
    catalog = getattr(first, "_catalog", None)
    if isinstance(first, DuplicateGroup) and catalog is not None:
        table = _groups_table(shown, catalog, len(shown), more)
    elif isinstance(first, Story) and catalog is not None:
        table = _stories_table(shown, catalog, len(shown), more)
    elif isinstance(first, ArticleResult):
        table = _table(("article", "relation", "canonical", "group", "story",
                        "title or first paragraph"),
                       ((f"<code>{esc(a.id)}</code>", esc(a.relation),
                         f"<code>{esc(a.canonical_id)}</code>", f"<code>{esc(a.group_id)}</code>",
                         f"<code>{esc(a.story_id)}</code>", esc(excerpt(a, 70)))
                        for a in shown), more=more, noun="articles")
    elif isinstance(first, Match):
        table = _table(("a", "relation", "b", "Jaccard", "containment", "shared ¶"),
                       ((f"<code>{esc(m.a)}</code>", esc(m.relation), f"<code>{esc(m.b)}</code>",
                         _score(m.jaccard), _score(m.containment),
                         f"{len(m.shared_paragraphs)}") for m in shown),
                       numeric=(3, 4, 5), more=more, noun="matches")
    else:
        table = _table(("item",), ((esc(repr(item)),) for item in shown), more=more)
    return _wrap(f'<div class="nd-muted">{len(items):,} items</div>{table}')
