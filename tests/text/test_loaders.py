"""Tests of the file and DataFrame loaders: read_jsonl, read_text_folder, from_dataframe,
load_inputs."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from newsdedup import (
    Article,
    InputError,
    from_dataframe,
    load_inputs,
    read_jsonl,
    read_text_folder,
)

DATA = Path(__file__).parent.parent / "data"
SEEDS = DATA / "seeds"
SEED_STEMS = sorted(path.stem for path in SEEDS.glob("*.txt"))


def ecbplus_lines(count: int) -> list[str]:
    """The first ``count`` lines of the ECB+ development file."""
    with open(DATA / "ecbplus-dev.jsonl", encoding="utf-8") as handle:
        return [next(handle).rstrip("\n") for _ in range(count)]


def write_jsonl(path: Path, lines: list[str]) -> Path:
    """Write ``lines`` (already JSON, or deliberately broken) one per line."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(**fields: Any) -> str:
    """One JSONL line."""
    return json.dumps(fields)


def jsonl_error(tmp_path: Path, lines: list[str]) -> str:
    """The InputError message from reading ``lines`` as in.jsonl."""
    path = write_jsonl(tmp_path / "in.jsonl", lines)
    with pytest.raises(InputError) as info:
        list(read_jsonl(path))
    return str(info.value)


# --- read_jsonl --------------------------------------------------------------------------------


def test_read_jsonl_ecbplus_ids_and_extra(tmp_path: Path) -> None:
    """Real ECB+ lines load with their ids, and topic/event land in Article.extra."""
    lines = ecbplus_lines(6)
    expected = [json.loads(line) for line in lines]
    articles = list(read_jsonl(write_jsonl(tmp_path / "ecb.jsonl", lines)))
    assert [article.id for article in articles] == [item["id"] for item in expected]
    for article, item in zip(articles, expected, strict=True):
        assert article.text == item["text"]
        assert article.extra == {"topic": item["topic"], "event": item["event"]}


def test_read_jsonl_is_lazy(tmp_path: Path) -> None:
    """read_jsonl streams: the first article comes out before a bad later line is read."""
    path = write_jsonl(tmp_path / "in.jsonl", [record(id="a", text="x"), "{broken"])
    articles = read_jsonl(path)
    assert next(articles).id == "a"
    with pytest.raises(InputError, match="line 2"):
        next(articles)


def test_read_jsonl_skips_blank_lines_and_keeps_line_numbers(tmp_path: Path) -> None:
    """Blank and whitespace-only lines are skipped, and later errors keep true line numbers."""
    lines = ["", record(id="a", text="x"), "   ", "\t", record(id="b", text="y"), "", "nope"]
    path = write_jsonl(tmp_path / "in.jsonl", lines)
    with pytest.raises(InputError, match=r"in\.jsonl line 7: invalid JSON"):
        list(read_jsonl(path))
    assert [a.id for a in read_jsonl(write_jsonl(tmp_path / "ok.jsonl", lines[:-1]))] == ["a", "b"]


def test_read_jsonl_accepts_bom_crlf_and_optional_fields(tmp_path: Path) -> None:
    """A UTF-8 BOM, CRLF line ends and all optional fields are accepted."""
    path = tmp_path / "in.jsonl"
    body = (record(id="a", text="x", title="T", url="https://x.test", source="x.test",
                   published="2023-07-26T10:00:00Z") + "\r\n" + record(id="b", text="") + "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    first, second = read_jsonl(path)
    assert (first.id, first.title, first.source) == ("a", "T", "x.test")
    assert first.published == dt.datetime(2023, 7, 26, 10, tzinfo=dt.UTC)
    assert (second.id, second.text) == ("b", "")


def test_read_jsonl_gzip(tmp_path: Path) -> None:
    """A gzip-compressed .jsonl.gz file is read transparently."""
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(ecbplus_lines(3)) + "\n")
    assert [a.id for a in read_jsonl(path)] == [json.loads(x)["id"] for x in ecbplus_lines(3)]


def test_read_jsonl_text_keeps_unicode_line_separators(tmp_path: Path) -> None:
    """Only '\\n' ends a line: U+2028 inside a JSON string does not split the record."""
    path = write_jsonl(tmp_path / "in.jsonl", ['{"id": "a", "text": "one\u2028two"}'])
    assert [a.text for a in read_jsonl(path)] == ["one\u2028two"]


def test_read_jsonl_invalid_json_names_line(tmp_path: Path) -> None:
    """Invalid JSON names the file, the 1-based line and the parser's complaint."""
    message = jsonl_error(tmp_path, [record(id="a", text="x"), record(id="b", text="y"),
                                     '{"id": "c", "text": }'])
    assert re.match(r"^.*in\.jsonl line 3: invalid JSON: Expecting value \(column 21\)$",
                    message)


@pytest.mark.parametrize(("line", "kind"), [("[1, 2]", "array"), ('"text"', "string"),
                                            ("42", "number"), ("null", "null")])
def test_read_jsonl_non_object_line(tmp_path: Path, line: str, kind: str) -> None:
    """A line that is valid JSON but not an object says what it is instead."""
    message = jsonl_error(tmp_path, [record(id="a", text="x"), line])
    assert message.endswith(f"in.jsonl line 2: expected a JSON object with 'id' and 'text', "
                            f"got a JSON {kind}")


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"text": "x"}, "expected a non-empty 'id' string, got None"),
        ({"id": "", "text": "x"}, "expected a non-empty 'id' string, got ''"),
        ({"id": ["a"], "text": "x"}, "expected a non-empty 'id' string, got ['a']"),
        ({"id": 7, "text": "x"}, "expected 'id' to be a string, got the integer 7"),
        ({"id": "b"}, "(article 'b'): missing the 'text' field"),
        ({"id": "b", "text": None}, "(article 'b'): expected 'text' to be a string, got NoneType"),
        ({"id": "b", "text": 3}, "(article 'b'): expected 'text' to be a string, got int 3"),
        ({"id": "b", "text": "x", "published": "last week"},
         "(article 'b'): cannot parse 'published' 'last week'"),
        ({"id": "b", "text": "x", "url": 5}, "(article 'b'): expected 'url' to be a string"),
    ],
)
def test_read_jsonl_bad_record_names_line(tmp_path: Path, fields: dict[str, Any],
                                          problem: str) -> None:
    """Each invalid record is reported with file, line number and the problem."""
    message = jsonl_error(tmp_path, [record(id="a", text="x"), "", json.dumps(fields)])
    assert "in.jsonl line 3" in message
    assert problem in message


def test_read_jsonl_invalid_utf8_names_line(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are reported with the line they are on."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(record(id="a", text="x").encode() + b"\n"
                     + b'{"id": "b", "text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"in\.jsonl line 2: not valid UTF-8 \(byte b'\\xe9' "
                                         r"at position 24 of the line\)"):
        list(read_jsonl(path))


def test_read_jsonl_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    """A repeated id in one file names the line it recurs on and the first line."""
    message = jsonl_error(tmp_path, [record(id="a", text="x"), record(id="b", text="y"),
                                     record(id="a", text="z")])
    assert message.endswith("in.jsonl line 3: duplicate id 'a' (first used on line 1)")


def test_read_jsonl_bom_only_at_file_start(tmp_path: Path) -> None:
    """A byte order mark in the middle of a file is invalid JSON on that line."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "a", "text": "x"}\n\xef\xbb\xbf{"id": "b", "text": "y"}\n')
    with pytest.raises(InputError, match=r"in\.jsonl line 2: invalid JSON"):
        list(read_jsonl(path))


def test_read_jsonl_truncated_gzip_names_file(tmp_path: Path) -> None:
    """A truncated gzip file is an InputError naming the file, not an EOFError."""
    data = gzip.compress(("\n".join(ecbplus_lines(20)) + "\n").encode())
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"in\.jsonl\.gz: corrupt or truncated gzip data "
                                         r"after line \d+"):
        list(read_jsonl(path))


def test_read_jsonl_missing_file_is_oserror(tmp_path: Path) -> None:
    """read_jsonl on a missing file raises FileNotFoundError (load_inputs names it)."""
    with pytest.raises(FileNotFoundError):
        list(read_jsonl(tmp_path / "absent.jsonl"))


def test_read_jsonl_lone_surrogate_escape_names_line(tmp_path: Path) -> None:
    """A JSON escape of half a surrogate pair is refused with the file, line and field."""
    message = jsonl_error(tmp_path, [record(id="a", text="x"),
                                     '{"id": "b", "text": "x", "title": "cut emoji \\ud83d"}'])
    assert "in.jsonl line 2 (article 'b'): 'title' holds a lone surrogate (U+D83D" in message


@pytest.mark.parametrize(("line", "problem"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"id": "a", "text": "x", "n": ' + "9" * 5000 + "}", "invalid JSON: Exceeds the limit"),
])
def test_read_jsonl_pathological_json_names_line(tmp_path: Path, line: str,
                                                 problem: str) -> None:
    """JSON that the parser cannot take (nesting, giant integers) is an InputError too."""
    assert problem in jsonl_error(tmp_path, [record(id="z", text="x"), line])


def test_read_jsonl_line_longer_than_the_limit(tmp_path: Path) -> None:
    """A line longer than max_bytes is refused (read in bounded pieces), naming its line."""
    path = write_jsonl(tmp_path / "in.jsonl", [record(id="a", text="x"),
                                              record(id="b", text="y" * 5000)])
    with pytest.raises(InputError, match=r"in\.jsonl line 2: longer than 1,000 bytes"):
        list(read_jsonl(path, max_bytes=1000))
    assert [a.id for a in read_jsonl(path, max_bytes=6000)] == ["a", "b"]
    with pytest.raises(InputError, match=r"max_bytes: expected a positive integer, got 0"):
        list(read_jsonl(path, max_bytes=0))


def test_read_jsonl_reads_a_gigantic_line_in_bounded_memory(tmp_path: Path) -> None:
    """Lines are read with a size bound: a 20 MB line is refused without being read whole."""
    import tracemalloc

    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "a", "text": "' + b"x" * 20_000_000 + b'"}\n')
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="longer than 1,048,576 bytes"):
            list(read_jsonl(path, max_bytes=2**20))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_jsonl_refuses_a_fifo_without_waiting(tmp_path: Path) -> None:
    """A named pipe given as input is refused at once (opening it would wait for a writer)."""
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"in\.jsonl: expected a regular file, but it is a "
                                         r"FIFO \(named pipe\)"):
        list(read_jsonl(fifo))
    with pytest.raises(InputError, match="FIFO"):
        load_inputs([fifo])


def test_read_jsonl_refuses_a_folder(tmp_path: Path) -> None:
    """A folder named like a JSONL file is refused by name, not an IsADirectoryError."""
    (tmp_path / "in.jsonl").mkdir()
    with pytest.raises(InputError, match=r"in\.jsonl: expected a regular file, but it is a "
                                         r"folder"):
        list(read_jsonl(tmp_path / "in.jsonl"))


# --- read_text_folder --------------------------------------------------------------------------


def test_read_text_folder_seeds() -> None:
    """The five seed files load in name order with ids = file stems and exact contents."""
    articles = list(read_text_folder(SEEDS))
    assert len(articles) == 5
    assert [article.id for article in articles] == SEED_STEMS
    for article in articles:
        assert article.text == (SEEDS / f"{article.id}.txt").read_text("utf-8")
        assert article.title is None and article.published is None and article.extra == {}


def test_read_text_folder_sorted_non_recursive_txt_only(tmp_path: Path) -> None:
    """Only *.txt files directly in the folder are read, sorted by name; empty files count."""
    (tmp_path / "b.txt").write_text("B", "utf-8")
    (tmp_path / "a.txt").write_text("", "utf-8")
    (tmp_path / "notes.md").write_text("skip", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("nested", "utf-8")
    (tmp_path / "dir.txt").mkdir()
    assert [(a.id, a.text) for a in read_text_folder(tmp_path)] == [("a", ""), ("b", "B")]


def test_read_text_folder_text_verbatim_without_bom(tmp_path: Path) -> None:
    """File contents are kept byte-for-byte (CRLF included); only a leading BOM is dropped."""
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbfTitle\r\n\r\nBody \xe2\x80\x94 end.\r\n")
    (article,) = read_text_folder(tmp_path)
    assert article.text == "Title\r\n\r\nBody \u2014 end.\r\n"


def test_read_text_folder_invalid_utf8_names_file_and_offset(tmp_path: Path) -> None:
    """Undecodable bytes name the file and the byte offset in it."""
    (tmp_path / "a.txt").write_text("fine", "utf-8")
    (tmp_path / "b.txt").write_bytes(b"caf\xe9 au lait")
    with pytest.raises(InputError, match=r"b\.txt: not valid UTF-8 \(byte b'\\xe9' at byte "
                                         r"offset 3\)"):
        list(read_text_folder(tmp_path))


def test_read_text_folder_blank_stem_names_file(tmp_path: Path) -> None:
    """A file whose name gives a blank id is reported by its path."""
    (tmp_path / " .txt").write_text("x", "utf-8")
    with pytest.raises(InputError, match=r"/ \.txt: expected a non-empty 'id' string"):
        list(read_text_folder(tmp_path))


def test_read_text_folder_not_a_folder(tmp_path: Path) -> None:
    """A missing path or a file given as folder is an error naming it."""
    with pytest.raises(InputError, match=r"absent: expected a folder of \.txt files, but it is "
                                         r"missing"):
        list(read_text_folder(tmp_path / "absent"))
    (tmp_path / "a.txt").write_text("x", "utf-8")
    with pytest.raises(InputError, match=r"a\.txt: expected a folder of .* but it is a file"):
        list(read_text_folder(tmp_path / "a.txt"))


def test_read_text_folder_without_txt_files(tmp_path: Path) -> None:
    """A folder with no .txt files is an error (most likely the wrong folder)."""
    (tmp_path / "a.md").write_text("x", "utf-8")
    with pytest.raises(InputError, match=r"no \.txt files in this folder"):
        list(read_text_folder(tmp_path))


def test_read_text_folder_refuses_a_link_leading_outside(tmp_path: Path) -> None:
    """A .txt link pointing out of the folder (say to /etc/shadow) is refused, naming it."""
    folder = tmp_path / "in"
    folder.mkdir()
    secret = tmp_path / "secret"
    secret.write_text("root:x:0:0", "utf-8")
    (folder / "a.txt").write_text("An article.", "utf-8")
    (folder / "evil.txt").symlink_to(secret)
    with pytest.raises(InputError, match=r"evil\.txt: a symbolic link to .*secret, outside the "
                                         r"folder"):
        list(read_text_folder(folder))
    (folder / "evil.txt").unlink()
    (folder / "evil.txt").symlink_to(Path("..") / "in" / ".." / "secret")
    with pytest.raises(InputError, match="outside the folder"):
        list(read_text_folder(folder))


def test_read_text_folder_follows_links_inside_it(tmp_path: Path) -> None:
    """A link to another file of the same folder is read like the file."""
    (tmp_path / "a.txt").write_text("Same text.", "utf-8")
    (tmp_path / "b.txt").symlink_to("a.txt")
    assert [(a.id, a.text) for a in read_text_folder(tmp_path)] == [
        ("a", "Same text."), ("b", "Same text.")]


def test_read_text_folder_refuses_a_broken_link(tmp_path: Path) -> None:
    """A .txt link to nothing is an error naming it, not a silently missing article."""
    (tmp_path / "a.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(InputError, match=r"a\.txt: a symbolic link to nothing"):
        list(read_text_folder(tmp_path))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_text_folder_refuses_a_fifo(tmp_path: Path) -> None:
    """A named pipe called x.txt in the folder is refused at once, never waited on."""
    (tmp_path / "a.txt").write_text("An article.", "utf-8")
    os.mkfifo(tmp_path / "b.txt")
    with pytest.raises(InputError, match=r"b\.txt: expected a regular file, but it is a FIFO"):
        list(read_text_folder(tmp_path))
    with pytest.raises(InputError, match="FIFO"):
        load_inputs([tmp_path / "b.txt"])


def test_read_text_folder_refuses_a_file_over_the_limit(tmp_path: Path) -> None:
    """A .txt file larger than max_bytes is refused by its size, before it is read."""
    (tmp_path / "big.txt").write_text("word " * 400, "utf-8")
    with pytest.raises(InputError, match=r"big\.txt: 2,000 bytes, more than 1,000, the limit "
                                         r"of one article"):
        list(read_text_folder(tmp_path, max_bytes=1000))
    with pytest.raises(InputError, match="more than 1,000"):
        load_inputs([tmp_path / "big.txt"], max_bytes=1000)
    assert len(load_inputs([tmp_path], max_bytes=2000)[0].text) == 2000


def test_subfolders_named_txt_are_skipped(tmp_path: Path) -> None:
    """A folder called x.txt inside the input folder is not an article (not recursive)."""
    (tmp_path / "a.txt").write_text("An article.", "utf-8")
    (tmp_path / "sub.txt").mkdir()
    assert [a.id for a in read_text_folder(tmp_path)] == ["a"]


# --- from_dataframe ----------------------------------------------------------------------------


def test_from_dataframe_fields_missing_values_and_extra() -> None:
    """Columns map to fields, NaN/None/NaT become None, other columns go to extra."""
    frame = pd.DataFrame({
        "id": ["a", "b"],
        "text": ["Body a.", ""],
        "title": ["Title", None],
        "url": [float("nan"), "https://x.test/b"],
        "published": [pd.Timestamp("2023-07-26T10:00:00Z"), pd.NaT],
        "topic": ["1", None],
        "score": [0.5, float("nan")],
    })
    first, second = from_dataframe(frame)
    assert (first.id, first.text, first.title, first.url) == ("a", "Body a.", "Title", None)
    assert first.published == dt.datetime(2023, 7, 26, 10, tzinfo=dt.UTC)
    assert first.extra == {"topic": "1", "score": 0.5}
    assert (second.text, second.title, second.url) == ("", None, "https://x.test/b")
    assert second.published is None
    assert second.extra == {"topic": None, "score": None}


def test_from_dataframe_published_strings_and_ecbplus() -> None:
    """ECB+ records round-trip through a DataFrame with topic/event in extra."""
    records = [json.loads(line) for line in ecbplus_lines(4)]
    articles = from_dataframe(pd.DataFrame.from_records(records))
    assert [a.id for a in articles] == [r["id"] for r in records]
    assert [a.to_dict() for a in articles] == records


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("id", None, "expected a non-empty 'id' string, got None"),
        ("id", 12, "expected 'id' to be a string, got the integer 12"),
        ("text", None, "(article 'b'): expected 'text' to be a string, got NoneType None"),
        ("published", "soon", "(article 'b'): cannot parse 'published' 'soon'"),
    ],
)
def test_from_dataframe_bad_row_names_index(column: str, value: Any, problem: str) -> None:
    """A bad cell is reported with the row's index label and the problem."""
    frame = pd.DataFrame({"id": ["a", "b"], "text": ["x", "y"], "published": [None, None]},
                         index=["r1", "r2"], dtype=object)
    frame.loc["r2", column] = value
    with pytest.raises(InputError) as info:
        from_dataframe(frame)
    assert str(info.value).startswith("DataFrame row 'r2'")
    assert problem in str(info.value)


def test_from_dataframe_duplicate_id_names_both_rows() -> None:
    """A repeated id names both index labels."""
    frame = pd.DataFrame({"id": ["a", "b", "a"], "text": ["x", "y", "z"]}, index=[10, 20, 30])
    with pytest.raises(InputError,
                       match=r"^DataFrame row 30: duplicate id 'a' \(first used in row 10\)$"):
        from_dataframe(frame)


def test_from_dataframe_missing_column() -> None:
    """A DataFrame without the text column says which columns it has."""
    with pytest.raises(InputError, match=r"missing the required column\(s\) \['text'\]; it has "
                                         r"\['id', 'body'\]"):
        from_dataframe(pd.DataFrame({"id": ["a"], "body": ["x"]}))


def test_from_dataframe_rejects_other_types() -> None:
    """A list of dicts is not a DataFrame (coerce_articles handles those)."""
    with pytest.raises(InputError, match="expected a pandas DataFrame, got list"):
        from_dataframe([{"id": "a", "text": "x"}])  # type: ignore[arg-type]


def test_from_dataframe_empty() -> None:
    """An empty DataFrame with the right columns gives no articles."""
    assert from_dataframe(pd.DataFrame({"id": [], "text": []})) == []


def test_import_does_not_load_pandas() -> None:
    """Importing newsdedup does not import pandas (it is an optional extra)."""
    code = "import sys, newsdedup._text.loaders; print('pandas' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout
    assert output.strip() == "False"


# --- load_inputs -------------------------------------------------------------------------------


def test_load_inputs_mixed_in_input_order(tmp_path: Path) -> None:
    """Folders, JSONL (plain and gzip) and single .txt files load in the order given."""
    jsonl = write_jsonl(tmp_path / "a.jsonl", [record(id="j1", text="x"),
                                               record(id="j2", text="y")])
    packed = tmp_path / "b.jsonl.gz"
    packed.write_bytes(gzip.compress(record(id="g1", text="z").encode()))
    single = tmp_path / "note.txt"
    single.write_text("A note.", "utf-8")
    articles = load_inputs([jsonl, str(SEEDS), single, packed])
    assert [a.id for a in articles] == ["j1", "j2", *SEED_STEMS, "note", "g1"]
    assert articles[-2].text == "A note."
    assert all(isinstance(article, Article) for article in articles)


def test_load_inputs_empty_list() -> None:
    """No inputs give no articles."""
    assert load_inputs([]) == []


def test_load_inputs_duplicate_across_files_names_both(tmp_path: Path) -> None:
    """An id used in two inputs names both places (file + line, or file path)."""
    first = write_jsonl(tmp_path / "one.jsonl", [record(id="a", text="x"),
                                                 record(id="b", text="y")])
    second = write_jsonl(tmp_path / "two.jsonl", [record(id="c", text="x"),
                                                  record(id="b", text="y")])
    with pytest.raises(InputError) as info:
        load_inputs([first, second])
    assert str(info.value) == f"{second} line 2: duplicate id 'b' (first used in {first} line 2)"
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "a.txt").write_text("x", "utf-8")
    with pytest.raises(InputError, match=r"folder/a\.txt: duplicate id 'a' \(first used in "
                                         r".*one\.jsonl line 1\)"):
        load_inputs([first, tmp_path / "folder"])


def test_load_inputs_errors_in_files_propagate(tmp_path: Path) -> None:
    """A bad line inside an input is reported with its file and line."""
    path = write_jsonl(tmp_path / "in.jsonl", [record(id="a", text="x"), "oops"])
    with pytest.raises(InputError, match=r"in\.jsonl line 2: invalid JSON"):
        load_inputs([path])


def test_load_inputs_missing_path(tmp_path: Path) -> None:
    """A path that does not exist is named in the error."""
    missing = tmp_path / "nowhere.jsonl"
    with pytest.raises(InputError, match=rf"^{re.escape(str(missing))}: no such file or folder$"):
        load_inputs([missing])


@pytest.mark.parametrize("name", ["data.csv", "data.json", "README"])
def test_load_inputs_unknown_file_type(tmp_path: Path, name: str) -> None:
    """A file that is neither JSONL nor .txt says what was expected."""
    path = tmp_path / name
    path.write_text("{}", "utf-8")
    with pytest.raises(InputError, match=r"expected a \.jsonl file or a folder of \.txt files, "
                                         rf"got '.*{re.escape(name)}'"):
        load_inputs([path])


def test_load_inputs_single_path_rejected(tmp_path: Path) -> None:
    """A bare path string (not a list) is rejected instead of read character by character."""
    with pytest.raises(InputError, match="wrap it in a list"):
        load_inputs(str(SEEDS))


def test_on_error_skips_and_reports_bad_records(tmp_path: Path) -> None:
    """With on_error, bad lines, bad files and duplicate ids are reported and skipped."""
    from newsdedup._text.loaders import iter_inputs

    jsonl = tmp_path / "in.jsonl"
    jsonl.write_bytes(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": 3}\nnot json\n'
                      b'\xff\xfe\n{"id": "a", "text": "again"}\n{"id": "c", "text": "fine"}\n')
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(b"\xff broken")
    (folder / "c.txt").write_text("the same id as in the JSONL", "utf-8")
    (folder / "d.txt").write_text("good", "utf-8")
    skipped: list[tuple[str, str, bytes | None]] = []
    articles = list(iter_inputs([jsonl, folder],
                                lambda place, error, raw: skipped.append((place, str(error),
                                                                          raw))))
    assert [a.id for a in articles] == ["a", "c", "d"]
    places = [place for place, _, _ in skipped]
    assert places[:4] == [f"{jsonl} line {n}" for n in (2, 3, 4, 5)]
    assert places[4:] == [str(folder / "bad.txt"), str(folder / "c.txt")]
    assert skipped[1][2] == b"not json\n" and skipped[4][2] is None
    assert "duplicate id 'a'" in skipped[3][1] and "duplicate id 'c'" in skipped[5][1]
    with pytest.raises(InputError, match="line 2"):
        list(iter_inputs([jsonl]))
