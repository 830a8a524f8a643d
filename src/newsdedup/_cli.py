"""The ``newsdedup`` command line: ``demo``, ``dedup``, ``eval``, ``index``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ._config import DedupConfig
from ._errors import NewsdedupError

__all__ = ["main"]

_THRESHOLD_OPTIONS = (
    ("shingle_size", int), ("num_perm", int), ("lsh_threshold", float),
    ("paragraph_jaccard", float), ("paragraph_containment", float),
    ("article_threshold", float), ("containment_threshold", float), ("min_coverage", float),
    ("story_threshold", float), ("story_window_days", float), ("workers", int),
)


def _add_options(parser: argparse.ArgumentParser) -> None:
    defaults = DedupConfig()
    for name, kind in _THRESHOLD_OPTIONS:
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=None,
                            metavar=kind.__name__.upper(),
                            help=f"(default {getattr(defaults, name)})")
    parser.add_argument("--no-boilerplate-patterns", action="store_true",
                        help="only flag boilerplate that recurs across articles")


def _config(args: argparse.Namespace) -> DedupConfig:
    overrides = {name: getattr(args, name) for name, _ in _THRESHOLD_OPTIONS
                 if getattr(args, name) is not None}
    if args.no_boilerplate_patterns:
        overrides["boilerplate_patterns"] = False
    return DedupConfig.from_options(**overrides)


def _run_demo(args: argparse.Namespace) -> int:
    from ._demo import demo_articles
    from ._pipeline import dedup
    from ._report import format_summary

    articles = demo_articles(reposts=not args.seeds_only)
    result = dedup(articles, _config(args))
    print(format_summary(result, articles))
    if args.output:
        result.write_jsonl(args.output)
        print(f"\nwrote {len(result.articles)} records to {args.output}")
    return 0


def _run_dedup(args: argparse.Namespace) -> int:
    from ._loaders import iter_inputs, load_inputs
    from ._pipeline import dedup

    # The summary quotes paragraphs, so it needs the texts; otherwise they are streamed
    # through and never all held in memory.
    articles = load_inputs(args.inputs) if args.summary else iter_inputs(args.inputs)
    result = dedup(articles, _config(args))
    if args.output == "-":
        for line in result.iter_jsonl():
            sys.stdout.write(line + "\n")
    else:
        result.write_jsonl(args.output)
    if args.summary:
        from ._report import format_summary

        print(format_summary(result, list(articles)), file=sys.stderr)
    else:
        print(repr(result), file=sys.stderr)
    return 0


def _run_index(args: argparse.Namespace) -> int:
    import json

    from ._index import open_index
    from ._loaders import load_inputs

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
        for decision in outcome.decisions:
            sys.stdout.write(json.dumps(decision.to_record(), ensure_ascii=False,
                                        sort_keys=True) + "\n")
        print(f"{len(outcome.decisions)} decisions, {len(outcome.changes)} changes, "
              f"{len(index)} articles in {args.db}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdedup",
        description="Repeated paragraphs, boilerplate, duplicate groups and stories in news.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run on the built-in seed articles and print a summary")
    demo.add_argument("--seeds-only", action="store_true",
                      help="only the five seed articles, without generated reposts")
    demo.add_argument("-o", "--output", help="also write the per-article records as JSONL")
    _add_options(demo)
    run = commands.add_parser("dedup", help="deduplicate JSONL files or folders of .txt files")
    run.add_argument("inputs", nargs="+", help="JSONL files (id, text, ...) or folders of .txt")
    run.add_argument("-o", "--output", required=True, help="output JSONL ('-' for stdout)")
    run.add_argument("--summary", action="store_true", help="print a readable summary to stderr")
    _add_options(run)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsdedup`` command; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["eval"]:
        from .evaluate import main_eval

        code: int = main_eval(arguments[1:])
        return code
    args = _parser().parse_args(arguments)
    try:
        if args.command == "demo":
            return _run_demo(args)
        if args.command == "index":
            return _run_index(args)
        return _run_dedup(args)
    except NewsdedupError as error:
        print(f"newsdedup {args.command}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. `newsdedup demo | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:
        print(f"newsdedup {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
