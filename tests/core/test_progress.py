"""Progress bars and stage logging of a dedup run."""

from __future__ import annotations

import io
import logging
import sys

import pytest

import newsdedup._core.progress as progress_module
from newsdedup import dedup, demo_articles
from newsdedup._core.progress import STAGES, progress_enabled, run_progress, stage


def test_stages_are_logged_with_their_times(caplog: pytest.LogCaptureFixture) -> None:
    """Each stage and the total are logged on the newsdedup logger at INFO."""
    with caplog.at_level(logging.INFO, logger="newsdedup"):
        dedup(demo_articles(), progress=False)
    messages = [r.getMessage() for r in caplog.records if r.name == "newsdedup"]
    assert messages[0].startswith("features: 16 articles in ")
    assert [m.split(":")[0] for m in messages[1:-1]] == list(STAGES)
    assert messages[-1].startswith("dedup: 16 articles in ")


def test_bars_show_on_stderr_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """progress=True draws the features and stage bars on stderr (here without delay)."""
    monkeypatch.setattr(progress_module, "BAR_DELAY", 0.0)
    monkeypatch.setattr(progress_module, "BAR_INTERVAL", 0.0)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    dedup(demo_articles(), progress=True)
    shown = err.getvalue()
    assert "newsdedup: features" in shown and "16/16" in shown
    assert "newsdedup: paragraph matches:   0%" in shown
    assert "newsdedup: assembly:  83%" in shown


def test_no_bars_when_off_or_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """progress=False, or the default with stderr not a terminal, draws nothing."""
    monkeypatch.setattr(progress_module, "BAR_DELAY", 0.0)
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    dedup(demo_articles(), progress=False)
    dedup(demo_articles())
    assert err.getvalue() == ""
    assert progress_enabled(None) is False


def test_stage_outside_a_run_does_nothing() -> None:
    """The index runs the same steps without a run: stage() is a no-op there."""
    stage("paragraph matches")
    with run_progress(False, None) as run:
        assert list(run.count(iter(range(600)))) == list(range(600))
    assert run.articles == 600


def test_a_failed_run_logs_no_total(caplog: pytest.LogCaptureFixture) -> None:
    """A run that raises closes its bars and logs no total."""
    with caplog.at_level(logging.INFO, logger="newsdedup"), pytest.raises(ValueError):
        dedup([{"id": "a", "text": 3}], progress=False)
    assert not any(r.getMessage().startswith("dedup:") for r in caplog.records)
