"""The ``newsdedup`` command line: ``demo``, ``dedup``, ``report``, ``eval``, ``index``.

A failure the user can fix (a malformed record, a missing or unreadable file, an output that
would overwrite an input, a bad option) prints one ``newsdedup COMMAND: error: ...`` line
naming the file or record and exits with status 2; Ctrl-C exits with 130. Tracebacks are
left for bugs. JSONL goes to standard output as UTF-8 whatever the locale, and output files
are replaced only once completely written.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from ._core.config import DedupConfig
from ._core.errors import InputError, NewsdedupError

__all__ = ["main"]

_THRESHOLD_OPTIONS = (
    ("shingle_size", int), ("num_perm", int), ("lsh_threshold", float),
    ("paragraph_jaccard", float), ("paragraph_containment", float),
    ("article_threshold", float), ("containment_threshold", float), ("min_coverage", float),
    ("story_threshold", float), ("story_window_days", float),
    ("rewrite_sentence_threshold", float), ("rewrite_retold_share", float), ("workers", int),
)


def _add_options(parser: argparse.ArgumentParser) -> None:
    defaults = DedupConfig()
    for name, kind in _THRESHOLD_OPTIONS:
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=None,
                            metavar=kind.__name__.upper(),
                            help=f"(default {getattr(defaults, name)})")
    for name, off in _OFF_OPTIONS:
        parser.add_argument(f"--{name.replace('_', '-')}", type=_number_or_off, default=None,
                            metavar="FLOAT|off",
                            help=f"(default {getattr(defaults, name)}; off: {off})")
    parser.add_argument("--no-boilerplate-patterns", action="store_true",
                        help="only flag boilerplate that recurs across articles")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bars on stderr (default: when it is a terminal)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log each stage and its time to stderr")


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--on-error", choices=("raise", "skip"), default="raise",
                        help="a bad record stops the run (raise, the default) or is skipped "
                             "and reported (skip)")
    parser.add_argument("--errors", metavar="JSONL",
                        help="with --on-error skip: write each skipped record (place, error, "
                             "line) to this file")


# Options taking a number or "off" (the option set to None), with what off means.
_OFF_OPTIONS = (
    ("story_name_agreement", "stories do not check that groups name the same people and places"),
    ("story_day_conflict_days", "stories do not compare the days their leads name"),
    ("story_content_agreement", "stories do not compare what happened between groups "
                                "published weeks apart"),
    ("rewrite_threshold", "no rewrite matches"),
    ("rewrite_supported_threshold", "rewrites need rewrite_threshold, and no text is read "
                                    "for rewrites in part; 0.15 finds more than the "
                                    "default 0.2, reading more texts"),
    ("rewrite_evidence_share", "a pair over rewrite_threshold is a rewrite without any "
                               "of its sentences retold"),
)
# What off stands for on the command line (None is "not given").
_OFF = "off"


def _number_or_off(value: str) -> float | str:
    """A number, or ``off``."""
    if value.strip().lower() == _OFF:
        return _OFF
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'off', got {value!r}") from None


def _config(args: argparse.Namespace) -> DedupConfig:
    overrides = {name: getattr(args, name) for name, _ in _THRESHOLD_OPTIONS
                 if getattr(args, name) is not None}
    for name, _ in _OFF_OPTIONS:
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = None if value == _OFF else value
    if args.no_boilerplate_patterns:
        overrides["boilerplate_patterns"] = False
    return DedupConfig.from_options(**overrides)


def _run_demo(args: argparse.Namespace) -> int:
    from ._corpora.demo import demo_articles
    from ._drivers.pipeline import dedup
    from ._results.report import format_summary

    articles = demo_articles(reposts=not args.seeds_only)
    if args.export_articles:
        with open(args.export_articles, "w", encoding="utf-8") as handle:
            for article in articles:
                handle.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
        print(f"wrote the {len(articles)} demo articles to {args.export_articles}",
              file=sys.stderr)
    result = dedup(articles, _config(args), progress=args.progress)
    print(format_summary(result, articles))
    if args.output:
        result.write_jsonl(args.output)
        print(f"\nwrote {len(result.articles)} records to {args.output}")
    if args.report:
        from ._results.html_report import write_report

        write_report(result, args.report, source="newsdedup demo: the seed articles"
                     + ("" if args.seeds_only else ", reposts and a digest page"))
        print(f"wrote the report to {args.report}")
    return 0


class _Skipped:
    """Records skipped under ``--on-error skip``: counted, and written to ``--errors`` as
    JSONL (place, error, the raw line) or, without it, the first few named on stderr."""

    SHOWN = 5

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None

    def __call__(self, place: str, error: InputError, raw: bytes | None) -> None:
        self.count += 1
        if self.path is None:
            if self.count <= self.SHOWN:
                print(f"newsdedup: skipped: {error}", file=sys.stderr)
            return
        if self._handle is None:
            self._handle = open(self.path, "w", encoding="utf-8")  # noqa: SIM115
        record: dict[str, Any] = {"place": place, "error": str(error)}
        if raw is not None:
            record["line"] = raw.decode("utf-8", "replace").rstrip("\r\n")
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        elif self.path is not None:  # no bad record: an empty file says so
            open(self.path, "w", encoding="utf-8").close()

    def report(self) -> None:
        if self.count:
            where = (f"listed in {self.path}" if self.path is not None else
                     f"the first {min(self.count, self.SHOWN)} named above")
            print(f"newsdedup: skipped {self.count} bad record(s) ({where})", file=sys.stderr)


def _ignore(place: str, error: InputError, raw: bytes | None) -> None:
    """Skip a bad record silently (the second reading of inputs already reported)."""


def _output_records(args: argparse.Namespace, result: Any,
                    titles: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The output records: the inputs read again, each with its result, text and fields;
    the titles (or first lines) of the articles named in ``titles`` are filled in."""
    from ._text.loaders import iter_inputs

    for article in iter_inputs(args.inputs, _ignore if args.on_error == "skip" else None):
        if article.id in titles:
            titles[article.id] = article.title or article.text.strip().split("\n", 1)[0]
        try:
            found = result.article(article.id)
        except KeyError:
            raise InputError(f"article {article.id!r} was not in the input when it was first "
                             "read: did an input file change during the run?") from None
        if args.keep == "canonical" and not found.is_canonical:
            continue
        if args.keep == "removed" and found.is_canonical:
            continue
        record = found.to_record()
        if not args.no_text:
            record["text"] = article.text
        yield record


def _write_stdout_lines(lines: Iterable[str]) -> int:
    """Write ``lines`` to stdout as UTF-8 (JSONL is UTF-8 by definition, whatever the
    locale's encoding, which may be ASCII); return how many were written."""
    binary = getattr(sys.stdout, "buffer", None)
    written = 0
    if binary is None:  # a text-only stream (some notebook or IDE consoles)
        for line in lines:
            sys.stdout.write(line + "\n")
            written += 1
        return written
    sys.stdout.flush()
    for line in lines:
        binary.write(line.encode("utf-8") + b"\n")
        written += 1
    binary.flush()
    return written


def _check_outputs(args: argparse.Namespace, *outputs: str | None) -> None:
    """Before any work: an InputError if an output would land in a missing folder, or is one
    of the input files (or a .txt file of an input folder) under any name: a link or another
    path to the same file counts."""
    for output in outputs:
        if output is None or output == "-":
            continue
        folder = os.path.dirname(os.path.abspath(output))
        if not os.path.isdir(folder):
            raise InputError(f"{output}: cannot write it, the folder {folder} does not exist")
        try:
            target = os.stat(output)
        except OSError:
            continue  # a new file is no input; another problem is reported when writing
        for name in args.inputs:
            path = Path(name)
            candidates = ([entry for entry in path.iterdir() if entry.suffix == ".txt"]
                          if path.is_dir() else [path])
            for candidate in candidates:
                try:
                    found = os.stat(candidate)
                except OSError:
                    continue
                if (found.st_dev, found.st_ino) == (target.st_dev, target.st_ino):
                    raise InputError(f"{output}: this is the input {candidate}; write the "
                                     "output to another file (an input is never overwritten)")


def _load(args: argparse.Namespace, keep_text: bool) -> tuple[Any, _Skipped]:
    """Run dedup on the inputs (streamed unless ``keep_text``); refuse an empty input."""
    from ._drivers.pipeline import dedup
    from ._text.loaders import iter_inputs, load_inputs

    skipped = _Skipped(args.errors)
    on_error = skipped if args.on_error == "skip" else None
    try:
        articles = (load_inputs(args.inputs, on_error) if keep_text
                    else iter_inputs(args.inputs, on_error))
        result = dedup(articles, _config(args), keep_text=keep_text, progress=args.progress)
    finally:
        skipped.close()
    skipped.report()
    if not result.articles:
        extra = f" ({skipped.count} bad record(s) skipped)" if skipped.count else ""
        raise InputError(f"no articles in {', '.join(args.inputs)}{extra}: nothing to "
                         "deduplicate")
    return result, skipped


def _run_dedup(args: argparse.Namespace) -> int:
    from ._core.atomic_file import atomic_output
    from ._results.result import dumps_record

    _check_outputs(args, args.output, args.errors)
    # Texts are not held in memory: the output reads the inputs a second time.
    result, _ = _load(args, keep_text=False)
    from ._results.report import brief_canonicals

    titles = dict.fromkeys(brief_canonicals(result), "") if args.summary else {}
    records = _output_records(args, result, titles)
    written = 0
    if args.output == "-":
        written = _write_stdout_lines(dumps_record(record) for record in records)
    else:
        with atomic_output(args.output) as handle:
            for record in records:
                handle.write(dumps_record(record) + "\n")
                written += 1
    if args.summary:
        from ._results.report import format_brief

        print(format_brief(result, titles=titles), file=sys.stderr)
    else:
        print(repr(result), file=sys.stderr)
    if args.keep != "all":
        print(f"newsdedup: wrote {written} {args.keep} article(s) of {len(result.articles)}",
              file=sys.stderr)
    return 0


def _run_report(args: argparse.Namespace) -> int:
    from ._results.html_report import write_report

    _check_outputs(args, args.output, args.errors)
    result, _ = _load(args, keep_text=True)
    write_report(result, args.output, title=args.title,
                 source=f"{len(result.articles):,} articles from {', '.join(args.inputs)}")
    print(f"{result!r}\nnewsdedup: wrote the report to {args.output}", file=sys.stderr)
    return 0


def _run_index(args: argparse.Namespace) -> int:
    import json

    from ._index.driver import open_index
    from ._text.loaders import load_inputs

    retention = {} if args.retention_days is None else {"retention_days": args.retention_days}
    # Only an add may start a new index; a query only reads (so a mistyped path is an error).
    with open_index(args.db, create=args.index_command == "add",
                    read_only=args.index_command == "query", **retention) as index:
        if args.index_command == "refresh":
            changes = index.refresh()
            print(f"{len(changes)} changes, {len(index)} articles in {args.db}",
                  file=sys.stderr)
            return 0
        articles = load_inputs(args.inputs)
        if args.index_command == "add":
            outcome = index.add(articles)
        else:
            outcome = index.query_batch(articles)
        _write_stdout_lines(json.dumps(decision.to_record(), ensure_ascii=False,
                                       sort_keys=True) for decision in outcome.decisions)
        print(f"{len(outcome.decisions)} decisions, {len(outcome.changes)} changes, "
              f"{len(index)} articles in {args.db}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="newsdedup",
        description="Repeated paragraphs, boilerplate, duplicate groups and stories in news.")
    parser.add_argument("--version", action="version", version=f"newsdedup {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run on the built-in seed articles and print a summary")
    demo.add_argument("--seeds-only", action="store_true",
                      help="only the five seed articles, without generated reposts")
    demo.add_argument("-o", "--output", help="also write the per-article records as JSONL")
    demo.add_argument("--report", metavar="HTML", help="also write the HTML report")
    demo.add_argument("--export-articles", metavar="JSONL",
                      help="write the demo's input articles as JSONL (to try dedup and report "
                           "on them)")
    _add_options(demo)
    run = commands.add_parser(
        "dedup", help="deduplicate JSONL files or folders of .txt files",
        description="Write one record per input article: its text and fields (an input field "
                    "named like a result field gets the prefix input_) with what was found.")
    run.add_argument("inputs", nargs="+", help="JSONL files (id, text, ...) or folders of .txt")
    run.add_argument("-o", "--output", required=True, help="output JSONL ('-' for stdout)")
    run.add_argument("--keep", choices=("all", "canonical", "removed"), default="all",
                     help="which articles to write: all (default); canonical, one per "
                          "duplicate group (the deduplicated corpus); removed, the duplicates "
                          "left out (each names the article kept in its place)")
    run.add_argument("--no-text", action="store_true",
                     help="leave the article texts out of the records")
    run.add_argument("--summary", action="store_true",
                     help="print a screenful summary (totals, largest groups) to stderr")
    _add_input_options(run)
    _add_options(run)
    report = commands.add_parser(
        "report", help="write a self-contained, searchable HTML report",
        description="Deduplicate the inputs and write an HTML page with the counts, the "
                    "duplicate groups (shared paragraphs highlighted), stories, boilerplate "
                    "and repeated paragraphs. It loads nothing from the network.")
    report.add_argument("inputs", nargs="+", help="JSONL files (id, text, ...) or folders of .txt")
    report.add_argument("-o", "--output", required=True, help="output HTML file")
    report.add_argument("--title", default="newsdedup report", help="the page's title")
    _add_input_options(report)
    _add_options(report)
    index = commands.add_parser("index", help="a persistent index: add articles or query it")
    index_commands = index.add_subparsers(dest="index_command", required=True)
    for name, text in (("add", "store articles and print one JSONL decision per article"),
                       ("query", "print JSONL decisions as if the articles were added "
                                 "together, without storing them")):
        sub = index_commands.add_parser(name, help=text)
        sub.add_argument("db", help="index file (SQLite; created if missing)" if name == "add"
                         else "index file (SQLite; must exist)")
        sub.add_argument("inputs", nargs="+" if name == "add" else 1,
                         help="JSONL files (id, text, ...) or folders of .txt")
        sub.add_argument("--retention-days", type=float, default=None,
                         help="for a new index: drop articles this many days older than the "
                              "newest from matching")
    refresh = index_commands.add_parser(
        "refresh", help="recompute every decision from the stored features (stories and "
                        "frozen boilerplate back to the batch result); log the changes")
    refresh.add_argument("db", help="index file (SQLite)")
    refresh.set_defaults(retention_days=None)
    commands.add_parser("eval", help="score predicted groups/stories against gold labels",
                        add_help=False)
    return parser


def _describe(error: OSError) -> str:
    """``path: reason`` for a failed file operation (``[Errno 2] ...`` says less)."""
    if error.filename is None or error.strerror is None:
        return str(error)
    names = os.fsdecode(error.filename)
    if error.filename2 is not None:
        names += f" -> {os.fsdecode(error.filename2)}"
    return f"{names}: {error.strerror}"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsdedup`` command; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["eval"]:
        from .evaluate import main_eval

        code: int = main_eval(arguments[1:])
        return code
    args = _parser().parse_args(arguments)
    if getattr(args, "verbose", False):
        logging.basicConfig(level=logging.INFO, format="newsdedup: %(message)s",
                            stream=sys.stderr)
    if getattr(args, "errors", None) and args.on_error != "skip":
        print(f"newsdedup {args.command}: error: --errors needs --on-error skip",
              file=sys.stderr)
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        # The summary quotes articles: a character the terminal cannot show is escaped.
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        if args.command == "demo":
            return _run_demo(args)
        if args.command == "index":
            return _run_index(args)
        if args.command == "report":
            return _run_report(args)
        return _run_dedup(args)
    except NewsdedupError as error:
        print(f"newsdedup {args.command}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. `newsdedup demo | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:
        print(f"newsdedup {args.command}: error: {_describe(error)}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"newsdedup {args.command}: error: out of memory; split the input into smaller "
              "runs, or use an index (newsdedup index add)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"newsdedup {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
