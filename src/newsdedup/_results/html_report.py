"""The HTML report of a run (``newsdedup report``): one self-contained, searchable page.

The page is the notebook views (``_results.html``) put together: the counts, the duplicate groups
(largest first, each with its canonical beside its members), stories, partial reuse between
groups, boilerplate and repeated paragraphs, and a table of every article. It loads nothing
from the network: the style and the search script are inline, and the script reads no
article data (it filters the sections already on the page), so untrusted text only ever
appears escaped, as text.

Search: every item carries its text; the box hides the items that do not contain every
word typed. ``report.html#q=words`` opens the page filtered.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from .html import (
    CSS,
    Limits,
    _by_size,
    _pairs,
    _table,
    esc,
    excerpt,
    group_html,
    match_html,
    story_html,
    summary_rows,
)
from .result import DedupResult

__all__ = ["REPORT", "report_html", "write_report"]

#: Limits of the report: whole groups, more rows.
REPORT = Limits(rows=20, members=8, paragraphs=200, chars=4000, groups=60, pairs=100)
#: Items per section.
SECTION_LIMITS = {"groups": 150, "stories": 100, "reuse": 100, "boilerplate": 100,
                  "repeated": 300, "articles": 2000}

_PAGE_CSS = """
:root{color-scheme:light dark}
body{margin:0;background:Canvas;color:CanvasText}
main{max-width:1280px;margin:0 auto;padding:12px 20px 40px}
h1{font:600 22px system-ui,sans-serif;margin:.4em 0}
h2{font:600 17px system-ui,sans-serif;margin:1.4em 0 .4em;padding-bottom:.2em;
border-bottom:1px solid rgba(128,128,128,.4)}
.nd-search{position:sticky;top:0;z-index:2;padding:8px 0;background:Canvas;
border-bottom:1px solid rgba(128,128,128,.3)}
.nd-search input{font:14px system-ui,sans-serif;padding:5px 8px;width:min(520px,70vw);
color:inherit;background:transparent;border:1px solid rgba(128,128,128,.6);border-radius:4px}
.nd-search span{margin-left:10px;opacity:.75;font:13px system-ui,sans-serif}
section.nd-item{margin:.6em 0 1em;padding:.4em .6em;border:1px solid rgba(128,128,128,.3);
border-radius:6px}
[hidden]{display:none !important}
nav a{margin-right:14px;color:inherit}
"""

_SCRIPT = """
(function () {
  var box = document.getElementById("nd-q"), count = document.getElementById("nd-count");
  var items = Array.prototype.slice.call(document.querySelectorAll(".nd-item"));
  var texts = items.map(function (el) { return el.textContent.toLowerCase(); });
  function apply() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean), shown = 0;
    items.forEach(function (el, n) {
      var hit = words.every(function (w) { return texts[n].indexOf(w) >= 0; });
      el.hidden = !hit;
      if (hit) { shown += 1; }
    });
    document.querySelectorAll(".nd-section").forEach(function (section) {
      var own = section.querySelectorAll(".nd-item"), any = own.length === 0;
      own.forEach(function (el) { if (!el.hidden) { any = true; } });
      section.hidden = !any;
    });
    count.textContent = words.length ? shown + " of " + items.length + " items match"
                                     : items.length + " items";
  }
  box.addEventListener("input", apply);
  var found = /[#&]q=([^&]*)/.exec(window.location.hash);
  if (found) { box.value = decodeURIComponent(found[1].replace(/\\+/g, " ")); }
  apply();
})();
"""


def _section(key: str, title: str, intro: str, items: Iterable[str], total: int,
             shown: int) -> str:
    rest = (f'<p class="nd-muted">… {total - shown:,} more not shown (the report lists the '
            f"first {shown:,}; the JSONL output has everything)</p>" if total > shown else "")
    body = "".join(items)
    return (f'<div class="nd-section" id="{key}"><h2>{esc(title)} '
            f'<span class="nd-muted">({total:,})</span></h2><p class="nd-muted">{intro}</p>'
            f"{body}{rest}</div>")


def _item(content: str) -> str:
    return f'<section class="nd-item">{content}</section>'


def report_html(result: DedupResult, title: str = "newsdedup report",
                source: str = "", limits: Limits = REPORT) -> str:
    """The report page of ``result``; ``source`` says what the input was (shown as is)."""
    from .._core.version import __version__

    catalog = result._catalog
    sections = []
    multi = _by_size([g for g in result.groups if len(g.members) > 1], lambda g: len(g.members))
    shown = multi[:SECTION_LIMITS["groups"]]
    sections.append(_section(
        "groups", "Duplicate groups",
        "Largest first. Each member beside the canonical: shared paragraphs highlighted with "
        "their exact similarity, boilerplate struck out, repeats in red.",
        (_item(group_html(g, catalog, limits, css=False, open_members=1 if n < 3 else 0))
         for n, g in enumerate(shown)), len(multi), len(shown)))
    stories = _by_size([s for s in result.stories if len(s.group_ids) > 1],
                       lambda s: len(s.member_ids))
    shown_stories = stories[:SECTION_LIMITS["stories"]]
    sections.append(_section(
        "stories", "Stories", "Groups about the same event (stories of one group are left out).",
        (_item(story_html(s, catalog, limits, css=False)) for s in shown_stories),
        len(stories), len(shown_stories)))
    reuse = [m for m in result.matches if not m.is_duplicate]
    reuse.sort(key=lambda m: (-m.containment, m.a, m.b))
    shown_reuse = reuse[:SECTION_LIMITS["reuse"]]
    sections.append(_section(
        "reuse", "Shared text between groups",
        "Articles that share paragraphs without being duplicates (quotes, partial reuse, "
        "digest pages), and rewrites: one article telling another again in other words.",
        (_item(match_html(m, catalog, limits, css=False, open_pairs=False))
         for m in shown_reuse), len(reuse), len(shown_reuse)))
    sections.append(_boilerplate_section(result))
    sections.append(_repeated_section(result))
    sections.append(_articles_section(result))
    summary = _pairs((label, esc(value)) for label, value in summary_rows(result))
    note = ("" if result.has_text or not result.articles else
            '<p class="nd-muted">Texts were not kept: paragraph numbers only.</p>')
    nav = "".join(f'<a href="#{key}">{esc(name)}</a>' for key, name in (
        ("groups", "groups"), ("stories", "stories"), ("reuse", "shared text"),
        ("boilerplate", "boilerplate"), ("repeated", "repeated"), ("articles", "articles")))
    made = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_PAGE_CSS}{CSS}</style></head><body>"
        f'<main class="nd"><h1>{esc(title)}</h1>'
        f'<p class="nd-muted">{esc(source)}{" · " if source else ""}newsdedup '
        f"{esc(__version__)} · {made}</p>{summary}{note}<nav>{nav}</nav>"
        '<div class="nd-search"><input id="nd-q" type="search" placeholder="Search ids, '
        'titles, text…" aria-label="search"><span id="nd-count"></span></div>'
        f"{''.join(sections)}</main><script>{_SCRIPT}</script></body></html>\n")


def _boilerplate_section(result: DedupResult) -> str:
    counts: Counter[tuple[str, str]] = Counter()
    for article in result.articles:
        if not article.boilerplate_paragraphs:
            continue
        texts = article.paragraphs if article.text is not None else None
        for flagged in article.boilerplate_paragraphs:
            text = (" ".join(texts[flagged.index].split()) if texts is not None
                    else f"¶{flagged.index} (text not kept)")
            counts[(text, flagged.reason)] += 1
    top = counts.most_common(SECTION_LIMITS["boilerplate"])
    rows = [_item(f"<table><tr><td class=num>{count:,}×</td><td>{esc(reason)}</td>"
                  f"<td><del>{esc(text[:400])}</del></td></tr></table>")
            for (text, reason), count in top]
    return _section("boilerplate", "Boilerplate paragraphs",
                    "Distinct boilerplate paragraphs, most frequent first: how many articles "
                    "carry each and why it is boilerplate (recurring across unrelated "
                    "articles, or a known phrase).", rows, len(counts), len(top))


def _repeated_section(result: DedupResult) -> str:
    rows: list[str] = []
    total = 0
    for article in result.articles:
        texts = article.paragraphs if article.repeated_paragraphs and article.text else None
        for repeat in article.repeated_paragraphs:
            total += 1
            if len(rows) < SECTION_LIMITS["repeated"]:
                text = texts[repeat.index] if texts is not None else ""
                rows.append(_item(
                    f"<table><tr><td><code>{esc(article.id)}</code> ¶{repeat.index} repeats "
                    f"¶{repeat.repeat_of}</td><td>{esc(repeat.kind)}, Jaccard "
                    f"{repeat.jaccard:.2f}</td><td>{esc(text[:400])}</td></tr></table>"))
    return _section("repeated", "Repeated paragraphs",
                    "Paragraphs that repeat an earlier paragraph of the same article.",
                    rows, total, len(rows))


def _articles_section(result: DedupResult) -> str:
    shown = result.articles[:SECTION_LIMITS["articles"]]
    rows = [(f"<code>{esc(a.id)}</code>", "kept" if a.is_canonical else "removed",
             esc(a.relation),
             "" if a.is_canonical else f"<code>{esc(a.canonical_id)}</code>",
             f"<code>{esc(a.group_id)}</code>", esc(a.metadata.get("source") or ""),
             esc(excerpt(a, 80))) for a in shown]
    table = _table(("article", "kept?", "relation", "kept in its place", "group", "source",
                    "title or first paragraph"), rows)
    # Each row is a search item: the table's rows hide one by one.
    table = table.replace("<tr><td>", '<tr class="nd-item"><td>')
    return _section("articles", "Articles", "Input order; removed articles name the article "
                    "kept in their place.", [table], len(result.articles), len(shown))


def write_report(result: DedupResult, path: str, title: str = "newsdedup report",
                 source: str = "") -> None:
    """Write :func:`report_html` to ``path`` (UTF-8), replacing it only once complete."""
    from .._core.atomic_file import atomic_output

    html = report_html(result, title, source)
    with atomic_output(path) as handle:
        handle.write(html)

