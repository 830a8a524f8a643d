"""The newsdedup command line: demo, dedup, eval."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import DATA, load_ecbplus
from newsdedup import Article
from newsdedup._cli import main
from newsdedup._corpora.messy import base_documents, lookalike_events
from newsdedup._corpora.messy_incidents import incident_crawl
from rewrite_texts import REWRITE, SOURCE


def test_demo_prints_the_seed_story(capsys: pytest.CaptureFixture[str]) -> None:
    """`newsdedup demo` prints stories, groups with canonical rules, repeats, boilerplate."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.count("STORY ") == 1  # the seeds and their copies are one story
    assert "canonical 000_c281479aec7ad377" in out
    assert "rule: earliest published" in out
    assert "REPEATED PARAGRAPHS" in out and "repeats ¶7" in out
    assert "BOILERPLATE" in out and "Read original article here" in out
    assert "digest-1-3 contains" in out


def test_demo_seeds_only(capsys: pytest.CaptureFixture[str]) -> None:
    """`--seeds-only` runs on the five seeds: one story, five singleton groups."""
    assert main(["demo", "--seeds-only"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<DedupResult: 5 articles, 5 groups (0 with duplicates), 1 story")


def test_dedup_folder_and_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`newsdedup dedup` reads a .txt folder plus JSONL and writes one record per article."""
    jsonl = tmp_path / "more.jsonl"
    with open(DATA / "ecbplus-dev.jsonl", encoding="utf-8") as handle:
        jsonl.write_text("".join(handle.readlines()[:20]), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(DATA / "seeds"), str(jsonl), "-o", str(out),
                 "--article-threshold", "0.9"]) == 0
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == 25
    assert records[0]["id"] == "000_c281479aec7ad377"
    assert records[5]["event"] == "1-a"  # input fields are kept
    assert "<DedupResult: 25 articles" in capsys.readouterr().err


def _stories_by_value(tmp_path: Path, articles: Sequence[Article], option: str,
                      values: Sequence[str]) -> dict[str, int]:
    """Number of stories ``newsdedup dedup`` finds in ``articles`` with ``option`` set to
    each of ``values``."""
    data = tmp_path / "input.jsonl"
    data.write_text("".join(json.dumps(a.to_dict()) + "\n" for a in articles), "utf-8")
    stories = {}
    for value in values:
        out = tmp_path / f"out-{value}.jsonl"
        assert main(["dedup", str(data), "-o", str(out), option, value, "--no-progress"]) == 0
        stories[value] = len({json.loads(line)["story_id"]
                              for line in out.read_text("utf-8").splitlines()})
    return stories


def test_story_name_agreement_option(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """--story-name-agreement takes a number or off; the look-alike events of one ECB+ draw
    (one report per event, one day) keep more stories apart with it than without."""
    corpus = lookalike_events(base_documents(load_ecbplus()), 0)
    stories = _stories_by_value(tmp_path, corpus.articles, "--story-name-agreement",
                                ("0.3", "off"))
    assert stories["0.3"] > stories["off"]
    with pytest.raises(SystemExit) as stop:
        main(["dedup", str(tmp_path / "input.jsonl"), "-o", str(tmp_path / "x.jsonl"),
              "--story-name-agreement", "high"])
    assert stop.value.code == 2
    assert "expected a number or 'off'" in capsys.readouterr().err


def test_story_day_conflict_option(tmp_path: Path) -> None:
    """--story-day-conflict-days takes a number or off; on a crawl of look-alike incidents
    (reports naming their event's weekday) more incidents stay apart with it than without."""
    corpus = incident_crawl(120, seed=4, template_rate=0.0)
    stories = _stories_by_value(tmp_path, corpus.articles, "--story-day-conflict-days",
                                ("2", "off"))
    assert stories["2"] > stories["off"]


_FIRE = ("Firefighters in Wellington battled a blaze at the Waitrose supermarket early on "
         "Sunday, and half of the entrance roof collapsed, the fire service said.\n\n"
         "Robert Pitman, 24, from the town has been charged with arson and will appear before "
         "Taunton Deane magistrates on Tuesday, police confirmed.\n\n"
         "The store will stay closed for several weeks while the damage is assessed, a "
         "spokeswoman for the supermarket chain said.")
_FIRE_OTHER = ("Shoppers in Wellington were evacuated on Sunday after a fire at the Waitrose "
               "store; a man from the town, Robert Pitman, was later arrested.\n\n"
               "Residents told reporters they heard sirens before dawn and saw smoke over the "
               "high street for hours, and local councillors praised the crews.")
_FIRE_IN_PART = ("Half of the entrance roof collapsed when a blaze hit the Waitrose supermarket "
                 "in Wellington early Sunday, fire services said, as firefighters battled it."
                 "\n\nNeighbours on the high street said the smoke could be seen from the "
                 "motorway, and several families living above nearby shops spent the morning "
                 "in a church hall.\n\nThe town council said bus routes through the centre "
                 "would be diverted until the weekend and asked drivers to avoid the area "
                 "during the clean-up.")


def test_rewrite_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """By default an article rewriting part of another is found (shown in the summary's
    shared text); with --rewrite-supported-threshold off (the whole cosine alone), or with
    --rewrite-threshold off, it is not shown."""
    data = tmp_path / "input.jsonl"
    data.write_text("".join(json.dumps({"id": i, "text": t}) + "\n"
                            for i, t in (("src", _FIRE), ("part", _FIRE_IN_PART))), "utf-8")
    summaries = {}
    for extra in ([], ["--rewrite-supported-threshold", "off"],
                  ["--rewrite-threshold", "off"]):
        assert main(["dedup", str(data), "-o", str(tmp_path / "out.jsonl"), "--summary",
                     "--no-progress", *extra]) == 0
        summaries[" ".join(extra)] = capsys.readouterr().err
    assert "rewrite" in summaries[""]
    assert "rewrite" not in summaries["--rewrite-supported-threshold off"]
    assert "rewrite" not in summaries["--rewrite-threshold off"]


def test_rewrite_evidence_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--rewrite-evidence-share off lets the whole cosine alone decide: with a whole
    threshold low enough, an independent write-up of the fire (retelling none of the
    source's sentences) becomes a rewrite; by default it is not one."""
    data = tmp_path / "input.jsonl"
    data.write_text("".join(json.dumps({"id": i, "text": t}) + "\n"
                            for i, t in (("src", _FIRE), ("other", _FIRE_OTHER))), "utf-8")
    summaries = {}
    for extra in ([], ["--rewrite-evidence-share", "off"]):
        assert main(["dedup", str(data), "-o", str(tmp_path / "out.jsonl"), "--summary",
                     "--no-progress", "--rewrite-threshold", "0.2", *extra]) == 0
        summaries[" ".join(extra)] = capsys.readouterr().err
    assert "rewrite" not in summaries[""]
    assert "rewrite" in summaries["--rewrite-evidence-share off"]


def test_rewrite_sentence_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--rewrite-sentence-threshold and --rewrite-retold-share reach the rewrite rule: a
    rewrite of the fire report is one by default, and not when every one of its sentences
    must be retold at a cosine no retelling reaches."""
    data = tmp_path / "input.jsonl"
    data.write_text("".join(json.dumps({"id": i, "text": t}) + "\n"
                            for i, t in (("src", SOURCE), ("rw", REWRITE))), "utf-8")
    summaries = {}
    for extra in ([], ["--rewrite-sentence-threshold", "0.95", "--rewrite-retold-share", "1"]):
        assert main(["dedup", str(data), "-o", str(tmp_path / "out.jsonl"), "--summary",
                     "--no-progress", *extra]) == 0
        summaries[bool(extra)] = capsys.readouterr().err
    assert "rewrite" in summaries[False] and "rewrite" not in summaries[True]


def test_bad_input_exits_2_naming_the_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed JSONL line gives exit code 2 and a one-line error naming file and line."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "ok"}\n{"id": "b", "text": 3}\n', "utf-8")
    assert main(["dedup", str(bad), "-o", str(tmp_path / "out.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsdedup dedup: error:") and "line 2" in err and "'b'" in err


def test_missing_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is reported, not a traceback."""
    assert main(["dedup", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o")]) == 2
    assert "nope.jsonl" in capsys.readouterr().err


def test_eval_scores_output_against_gold(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`newsdedup eval PRED GOLD --field story` prints scores of story_id against gold."""
    gold = DATA / "ecbplus-dev.jsonl"
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(gold), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["eval", str(out), str(gold), "--field", "story", "--gold-field", "event",
                 "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert 0.5 < scores["ari"] <= 1.0


def test_console_script_entry_point() -> None:
    """`python -m newsdedup --help` works (the console script calls the same main)."""
    done = subprocess.run([sys.executable, "-m", "newsdedup", "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and "demo" in done.stdout and "dedup" in done.stdout


def test_closed_pipe_is_not_an_error() -> None:
    """`newsdedup demo | head -1` ends quietly when the reader closes the pipe early."""
    process = subprocess.Popen([sys.executable, "-m", "newsdedup", "demo"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert first.startswith(b"<DedupResult") and "error" not in error


def test_index_refresh_recomputes_and_reports(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`newsdedup index refresh DB` recomputes the stored decisions and reports the changes."""
    source = tmp_path / "seeds.jsonl"
    with open(DATA / "ecbplus-dev.jsonl", encoding="utf-8") as handle:
        source.write_text("".join(handle.readlines()[:30]), "utf-8")
    db = tmp_path / "news.db"
    assert main(["index", "add", str(db), str(source)]) == 0
    capsys.readouterr()
    assert main(["index", "refresh", str(db)]) == 0
    assert capsys.readouterr().err == f"0 changes, 30 articles in {db}\n"
    assert main(["index", "refresh", str(tmp_path / "missing" / "x.db")]) == 2
    assert "cannot open" in capsys.readouterr().err


@pytest.fixture
def demo_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The demo's input articles as JSONL (`newsdedup demo --export-articles`)."""
    path = tmp_path / "demo.jsonl"
    assert main(["demo", "--export-articles", str(path)]) == 0
    capsys.readouterr()
    return path


def test_keep_canonical_writes_the_deduplicated_corpus(
        demo_jsonl: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--keep canonical` writes one article per group, with its text and input fields."""
    out = tmp_path / "deduped.jsonl"
    assert main(["dedup", str(demo_jsonl), "--keep", "canonical", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    inputs = {r["id"]: r for r in map(json.loads, demo_jsonl.read_text("utf-8").splitlines())}
    assert len(records) == 6 and all(r["is_canonical"] for r in records)
    for record in records:
        assert record["text"] == inputs[record["id"]]["text"]
        assert record["source"] == inputs[record["id"]]["source"]
    assert "wrote 6 canonical article(s) of 16" in capsys.readouterr().err
    removed = tmp_path / "removed.jsonl"
    assert main(["dedup", str(demo_jsonl), "--keep", "removed", "--no-text", "-o",
                 str(removed)]) == 0
    dropped = [json.loads(line) for line in removed.read_text("utf-8").splitlines()]
    assert len(dropped) == 10 and not any(r["is_canonical"] or "text" in r for r in dropped)
    assert {r["canonical_id"] for r in dropped} <= {r["id"] for r in records}


def test_input_fields_named_like_result_fields_survive(tmp_path: Path) -> None:
    """An input field called `relation` comes back as `input_relation`."""
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Hi there.", "relation": "x", "lang": "en"}\n',
                      "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(source), "-o", str(out)]) == 0
    record = json.loads(out.read_text("utf-8"))
    assert (record["relation"], record["input_relation"], record["lang"]) == (
        "canonical", "x", "en")


def test_on_error_skip_records_bad_lines(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`--on-error skip --errors FILE` runs on the good records and lists the bad ones."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "ok"}\n{"id": "b", "text": 3}\nnot json\n'
                   '{"id": "c", "text": "fine"}\n', "utf-8")
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    assert main(["dedup", str(bad), "-o", str(out), "--on-error", "skip", "--errors",
                 str(errors)]) == 0
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["a", "c"]
    listed = [json.loads(line) for line in errors.read_text("utf-8").splitlines()]
    assert [e["place"] for e in listed] == [f"{bad} line 2", f"{bad} line 3"]
    assert listed[1]["line"] == "not json" and "invalid JSON" in listed[1]["error"]
    assert "skipped 2 bad record(s)" in capsys.readouterr().err
    assert main(["dedup", str(bad), "-o", str(out), "--on-error", "skip"]) == 0
    assert capsys.readouterr().err.count("newsdedup: skipped: ") == 2
    assert main(["dedup", str(bad), "-o", str(out), "--errors", str(errors)]) == 2
    assert "--errors needs --on-error skip" in capsys.readouterr().err


def test_empty_input_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An input without articles says so on stderr and exits 2, writing nothing."""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(empty), "-o", str(out)]) == 2
    assert "no articles in" in capsys.readouterr().err and not out.exists()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`newsdedup --version` prints the version."""
    import newsdedup

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"newsdedup {newsdedup.__version__}"


def test_summary_fits_a_screen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--summary` on 3,000 articles prints totals and the largest groups: under 30 lines."""
    from newsdedup.synthetic import generate_corpus

    source = tmp_path / "corpus.jsonl"
    with open(source, "w", encoding="utf-8") as handle:
        for article in generate_corpus(3000, seed=5).articles:
            handle.write(json.dumps(article.to_dict()) + "\n")
    assert main(["dedup", str(source), "-o", str(tmp_path / "out.jsonl"), "--summary"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) < 30 and max(map(len, lines)) < 200
    assert lines[1].startswith("3,000 articles: ")
    assert "largest duplicate groups" in "\n".join(lines)
    assert "more groups with duplicates" in lines[-1] or "more stories" in lines[-1]


def test_report_command_writes_a_page(demo_jsonl: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`newsdedup report INPUT -o report.html` writes the self-contained report."""
    page = tmp_path / "report.html"
    assert main(["report", str(demo_jsonl), "-o", str(page), "--title", "Demo <b>"]) == 0
    text = page.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>Demo &lt;b&gt;</title>" in text
    assert "<link" not in text and not re.search(r"(src|href)=\"?(https?:)?//", text)
    assert "wrote the report" in capsys.readouterr().err


def _jsonl(path: Path, *records: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), "utf-8")
    return path


def test_output_naming_an_input_is_refused(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """-o naming an input file (directly, through a link, or a .txt of an input folder) is
    refused before anything is read, and the input is left as it was."""
    source = _jsonl(tmp_path / "in.jsonl", {"id": "a", "text": "Some words."})
    before = source.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(source)
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "b.txt").write_text("Other words.", "utf-8")
    for output in (source, tmp_path / "link.jsonl", folder / "b.txt"):
        assert main(["dedup", str(source), str(folder), "-o", str(output)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"newsdedup dedup: error: {output}: this is the input ")
        assert err.count("\n") == 1
    assert main(["dedup", str(source), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip",
                 "--errors", str(source)]) == 2
    assert "this is the input" in capsys.readouterr().err
    assert main(["report", str(folder), "-o", str(folder / "b.txt")]) == 2
    assert "this is the input" in capsys.readouterr().err
    assert source.read_bytes() == before
    assert (folder / "b.txt").read_text("utf-8") == "Other words."


def test_output_in_a_missing_folder_is_refused_up_front(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An output whose folder does not exist fails before the (long) run, naming it."""
    source = _jsonl(tmp_path / "in.jsonl", {"id": "a", "text": "Some words."})
    monkeypatch.setattr("newsdedup._drivers.pipeline.dedup", None)  # never reached
    assert main(["dedup", str(source), "-o", str(tmp_path / "nope" / "out.jsonl")]) == 2
    assert "the folder" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_input_is_refused_without_hanging(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A named pipe as input exits 2 at once with one line naming it."""
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    assert main(["dedup", str(fifo), "-o", str(tmp_path / "out.jsonl")]) == 2
    assert capsys.readouterr().err == (f"newsdedup dedup: error: {fifo}: expected a regular "
                                       "file, but it is a FIFO (named pipe)\n")


def test_file_errors_name_the_file_without_errno(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """An output that cannot be written reads `path: reason`, not `[Errno 21] ...`."""
    source = _jsonl(tmp_path / "in.jsonl", {"id": "a", "text": "Some words."})
    assert main(["dedup", str(source), "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"newsdedup dedup: error: {tmp_path}: Is a directory\n"


def test_failed_run_leaves_no_partial_output(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A bad record late in the input leaves the previous output untouched."""
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "ok"}\n{"id": "b", "text": null}\n', "utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", "utf-8")
    assert main(["dedup", str(source), "-o", str(out)]) == 2
    assert out.read_text("utf-8") == "previous\n"
    assert "line 2" in capsys.readouterr().err


def test_wordless_and_surrogate_inputs_give_a_result_or_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Articles without words run; a lone surrogate is one error line naming the record."""
    quiet = _jsonl(tmp_path / "dots.jsonl", {"id": "a", "text": "..."}, {"id": "b", "text": "***"})
    assert main(["dedup", str(quiet), "-o", "-"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a\\ud83d", "text": "half"}\n', "utf-8")
    assert main(["dedup", str(broken), "-o", "-"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"newsdedup dedup: error: {broken} line 1: 'id' holds a lone "
                          "surrogate") and err.count("\n") == 1


def test_jsonl_on_stdout_is_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """With an ASCII-only stdout encoding, `-o -` still writes UTF-8 JSON lines."""
    source = _jsonl(tmp_path / "in.jsonl", {"id": "café", "text": "Crème brûlée für alle."})
    done = subprocess.run([sys.executable, "-m", "newsdedup", "dedup", str(source), "-o", "-"],
                          capture_output=True, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode("utf-8"))["id"] == "café"


def test_interrupt_exits_130_without_traceback(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C prints one line and exits 130."""
    source = _jsonl(tmp_path / "in.jsonl", {"id": "a", "text": "Some words."})

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("newsdedup._drivers.pipeline.dedup", interrupted)
    assert main(["dedup", str(source), "-o", str(tmp_path / "out.jsonl")]) == 130
    assert capsys.readouterr().err == "newsdedup dedup: interrupted\n"
    assert not (tmp_path / "out.jsonl").exists()
