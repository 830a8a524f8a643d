"""The public surface: __all__ is sorted, complete and matches the documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import newsdedup

ROOT = Path(__file__).resolve().parent.parent


def test_all_is_unique_and_importable() -> None:
    """__all__ has no duplicates (ruff keeps it sorted) and every name in it exists."""
    assert len(set(newsdedup.__all__)) == len(newsdedup.__all__)
    for name in newsdedup.__all__:
        assert hasattr(newsdedup, name), name


def test_every_public_name_is_documented() -> None:
    """Each public name appears in docs/api.md, and the doc names nothing else."""
    documented = set(re.findall(r"^### `([A-Za-z_]+)", (ROOT / "docs" / "api.md").read_text(
        "utf-8"), flags=re.MULTILINE))
    assert documented == set(newsdedup.__all__)


def test_synthetic_module_is_documented() -> None:
    """newsdedup.synthetic's __all__ is the list of #### names in its section of api.md."""
    text = (ROOT / "docs" / "api.md").read_text("utf-8")
    section = text[text.index("### `synthetic`"):text.index("## MinHash")]
    documented = set(re.findall(r"^#### `([A-Za-z_]+)`", section, flags=re.MULTILINE))
    assert documented == set(newsdedup.synthetic.__all__)
    for name in newsdedup.synthetic.__all__:
        assert getattr(newsdedup.synthetic, name).__doc__, name


def test_every_public_name_has_a_docstring() -> None:
    """Public classes and functions carry a docstring."""
    for name in newsdedup.__all__:
        obj = getattr(newsdedup, name)
        if callable(obj):
            assert obj.__doc__ and obj.__doc__.strip(), name


def test_design_contract_names() -> None:
    """The names design.md promises exist on the result objects."""
    result = newsdedup.dedup(newsdedup.seed_articles())
    article = result.articles[0]
    for field in ("id", "group_id", "story_id", "canonical_id", "is_canonical",
                  "repeated_paragraphs", "boilerplate_paragraphs"):
        assert hasattr(article, field)
    group = result.groups[0]
    assert group.member_ids and group.canonical_id and group.provenance is not None
    story = result.stories[0]
    assert story.member_ids and story.canonical_id
    assert isinstance(result.to_records(), list)


def test_readme_python_example_runs_as_written(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's "Use it from Python" snippet (texts "...") runs and writes its output."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Use it from Python"):]
    snippet = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert snippet is not None
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet.group(1), "README.md", "exec"), {})
    assert len((tmp_path / "out.jsonl").read_text("utf-8").splitlines()) == 2
