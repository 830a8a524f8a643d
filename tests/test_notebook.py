"""docs/quickstart.ipynb runs from top to bottom and shows the views a reader expects."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _html(cell: nbformat.NotebookNode) -> str:
    return "".join(output.get("data", {}).get("text/html", "") for output in cell.outputs)


def test_quickstart_notebook_runs_and_shows_a_highlighted_group() -> None:
    """Every cell runs; the result, the group (shared paragraphs highlighted with their
    similarity), the removed-articles table and the article view are HTML outputs."""
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(ROOT / "docs" / "quickstart.ipynb", as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT / "docs")}})
    client.execute()
    cells = {cell.source.splitlines()[-1]: cell for cell in notebook.cells
             if cell.cell_type == "code"}
    assert not [output for cell in cells.values() for output in cell.outputs
                if output.output_type == "error"]
    result = _html(cells["result"])
    assert "DedupResult" in result and "duplicate ratio" in result
    group = _html(cells["group"])
    assert "Duplicate group" in group and "chosen by <b>earliest published</b>" in group
    assert group.count('<mark class="nd-p nd-shared') >= 10
    assert 'class="nd-sim"><span class="nd-bar"' in group  # a similarity beside a pair
    removed = _html(cells['                                "source"]]'])
    assert "canonical_id" in removed and "near-duplicate" in removed
    article = _html(cells["result.article(seeds[4].id)"])
    assert "nd-repeat" in article and "nd-boiler" in article
    groups = _html(cells["big.groups"])
    assert "more groups" in groups and len(groups) < 30_000
