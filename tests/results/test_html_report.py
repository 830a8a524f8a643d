"""The HTML report: self-contained, escaped, searchable; checked in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from newsdedup import Article, dedup, demo_articles
from newsdedup._results.html_report import SECTION_LIMITS, report_html, write_report
from newsdedup.synthetic import generate_corpus, repost

CHROMIUM = next((path for path in (shutil.which("chromium"), shutil.which("chromium-browser"),
                                   shutil.which("google-chrome")) if path), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the demo corpus (seeds, reposts, digest), written to a file."""
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(dedup(demo_articles()), str(path), source="demo")
    return path


def _chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_report_is_self_contained(demo_report: Path) -> None:
    """No external script, style, image or font: the page works offline."""
    text = demo_report.read_text("utf-8")
    assert "<link" not in text and "<img" not in text and "@import" not in text
    assert not re.search(r"(src|href)=\"?(https?:)?//", text)
    assert text.count("<script>") == 1


def test_report_escapes_untrusted_text() -> None:
    """Ids and texts with markup appear escaped; the only script is the search."""
    evil = '<script>alert(1)</script>'
    seed = Article(f"id{evil}", "\n\n".join(f"Paragraph {n}: {evil} the river rose again over "
                                            f"the old stone bridge near town {n}."
                                            for n in range(4)), title=evil)
    page = report_html(dedup([seed, repost(seed, source="hub.example", seed=0)]))
    assert page.count("<script>") == 1 and page.count("alert(1)") == page.count(
        "&lt;script&gt;alert(1)&lt;/script&gt;")


def test_report_is_bounded_on_a_big_result() -> None:
    """A 3,000-article report lists the first items of each section and counts the rest."""
    result = dedup(generate_corpus(3000, seed=2).articles)
    page = report_html(result)
    assert len(page) < 15_000_000
    assert f"… {len(result.articles) - SECTION_LIMITS['articles']:,} more not shown" in page


@needs_chromium
def test_report_in_chromium_shows_groups_and_searches(demo_report: Path,
                                                      tmp_path: Path) -> None:
    """Chromium renders the groups with highlighted shared paragraphs; #q= filters items."""
    dom = _chromium(tmp_path, "--dump-dom", demo_report.as_uri())
    assert "Duplicate groups" in dom and dom.count('<mark class="nd-p nd-shared') > 50
    assert re.search(r'id="nd-count">\d+ items<', dom)  # the script ran
    filtered = _chromium(tmp_path, "--dump-dom", demo_report.as_uri() + "#q=digest-1-3")
    count = re.search(r'id="nd-count">(\d+) of (\d+) items match<', filtered)
    assert count is not None and 0 < int(count.group(1)) < int(count.group(2))
    items = re.findall(r'<(?:section|tr) class="nd-item"( hidden(?:="")?)?>', filtered)
    assert sum(1 for hidden in items if not hidden) == int(count.group(1))


@needs_chromium
def test_report_screenshot(demo_report: Path, tmp_path: Path) -> None:
    """A screenshot of the report is a real image of a page (not blank)."""
    shot = tmp_path / "report.png"
    _chromium(tmp_path, "--hide-scrollbars", "--window-size=1280,1600",
              f"--screenshot={shot}", demo_report.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000


def test_failed_report_keeps_the_previous_file(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A report that fails while being built leaves the previous file, not an empty one."""
    path = tmp_path / "report.html"
    path.write_text("previous report", "utf-8")

    def broken(*args: object) -> str:
        raise MemoryError

    monkeypatch.setattr("newsdedup._results.html_report.report_html", broken)
    with pytest.raises(MemoryError):
        write_report(dedup([Article("a", "Some words.")]), str(path))
    assert path.read_text("utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
