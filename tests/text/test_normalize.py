"""Tests of newsdedup._text.normalize: typographic folding and tokenization-ready text."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsdedup._corpora.messy import wrongly_decoded
from newsdedup._text.normalize import (
    decode_references,
    json_escaped,
    mojibake_repaired,
    nfkc,
    normalize_text,
    plain_text,
    repair_mojibake,
    token_text,
)
from strategies import combining_text, multilingual_text

# --- normalize_text -------------------------------------------------------------------------


def test_nfkc_folds_full_width_and_ligatures() -> None:
    """Full-width letters and digits, and ligatures, become their plain forms."""
    assert normalize_text("ＮＥＷＳ　１２３") == "news 123"
    assert normalize_text("ﬁnal ﬂow") == "final flow"


def test_nfkc_composes_combining_accents() -> None:
    """A letter plus a combining accent equals the precomposed letter."""
    assert normalize_text("cafe\u0301") == normalize_text("café") == "café"


def test_casefold_includes_german_sharp_s() -> None:
    """Case folding maps ß and capital ẞ to "ss", so spellings of Straße compare equal."""
    assert normalize_text("Straße") == normalize_text("STRASSE") == "strasse"
    assert normalize_text("GROẞ") == "gross"


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("\u2018single\u2019", "'single'"),
        ("\u201cdouble\u201d", '"double"'),
        ("\u201elow\u201c", '"low"'),
        ("\u00abguillemets\u00bb", '"guillemets"'),
        ("it\u2019s", "it's"),
        ("a\u2013b", "a-b"),
        ("a\u2014b", "a-b"),
        ("a\u2010b", "a-b"),
        ("a\u2212b", "a-b"),
        ("a\uff0db", "a-b"),
    ],
)
def test_curly_quotes_and_dashes_are_folded(variant: str, expected: str) -> None:
    """Curly quotes, guillemets and dash variants become ASCII quotes and hyphens."""
    assert normalize_text(variant) == expected


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
                                       "\ufe0f", "\U000e0100", "\u200e", "\u200f", "\u061c",
                                       "\u202b", "\u202c", "\u2067", "\u2069"])
def test_soft_hyphen_and_zero_width_characters_are_removed(invisible: str) -> None:
    """Invisible characters vanish without splitting the word they sit in."""
    assert normalize_text(f"co{invisible}operation") == "cooperation"


def test_whitespace_runs_collapse_to_one_space() -> None:
    """Tabs, non-breaking and ideographic spaces collapse to one space; ends are stripped."""
    assert normalize_text("  one\t\ttwo\u00a0 three\u3000four  ") == "one two three four"


def test_newlines_are_kept() -> None:
    """Line breaks survive normalization: they separate paragraphs."""
    assert normalize_text("One\n\nTwo\nThree") == "one\n\ntwo\nthree"
    assert normalize_text("One\r\nTwo").replace(" ", "") == "one\ntwo"


def test_typographic_variants_normalize_equal() -> None:
    """Two renderings that differ only in typography give the same text."""
    fancy = "\u201c\uff2eetflix\u2019s\u201d  AI\u00a0\u2014  jobs"
    plain = '"Netflix\'s" ai - JOBS'
    assert normalize_text(fancy) == normalize_text(plain)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("A\u00ad\u0301", "\u00e1"), ("e\u200b\u0301", "\u00e9"), ("\u00df\u0301", "s\u015b")],
)
def test_composition_after_removal_and_folding(text: str, expected: str) -> None:
    """Marks that meet a letter only after invisible removal or case folding compose with it."""
    # Regression: normalize_text used to stop after casefold + removal, leaving such
    # sequences decomposed, so a second pass changed the text (not idempotent).
    assert normalize_text(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), multilingual_text, combining_text))
def test_normalize_text_is_idempotent(text: str) -> None:
    """Normalizing normalized text changes nothing."""
    once = normalize_text(text)
    assert normalize_text(once) == once


# --- token_text -----------------------------------------------------------------------------


def test_punctuation_is_removed() -> None:
    """Punctuation and symbols become token boundaries."""
    assert token_text("Netflix's $900K job \u2014 \u201cghoulish\u201d!") == (
        "netflix s 900k job ghoulish"
    )
    assert token_text("Hello, world... (really?) e-mail") == "hello world really e mail"


@pytest.mark.parametrize(
    ("text", "expected_tokens"),
    [
        ("پاکستان کی حکومت", ["پاکستان", "کی", "حکومت"]),
        ("مَرْحَبًا بِكُم", ["مرحبا", "بکم"]),  # short vowels folded away, words whole
        ("हिन्दी समाचार", ["हिन्दी", "समाचार"]),
        ("पाकिस्तान की सरकार", ["पाकिस्तान", "की", "सरकार"]),
        ("한국어 뉴스 기사", ["한국어", "뉴스", "기사"]),
    ],
)
def test_words_with_marks_are_kept_whole(text: str, expected_tokens: list[str]) -> None:
    """Arabic-script diacritics, Devanagari vowel signs and Hangul words stay in one token."""
    assert token_text(text).split(" ") == expected_tokens


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # Urdu with Arabic kaf and yeh code points, against Persian/Urdu ones.
        ("\u0643\u0631\u0627\u0686\u064a \u0645\u064a\u06ba \u0628\u0627\u0631\u0634",
         "\u06a9\u0631\u0627\u0686\u06cc \u0645\u06cc\u06ba \u0628\u0627\u0631\u0634"),
        # Arabic with short vowels and a kashida, against plain; Arabic-Indic digits.
        ("\u0627\u0644\u0642\u0627\u0647\u0640\u0640\u0631\u0629 \u0661\u0662",
         "\u0627\u0644\u0642\u064e\u0627\u0647\u0650\u0631\u0629 12"),
        ("Ёлка, пʼять", "елка, п\u2019ять"),
        ("\u0968\u0966\u0968\u096a \u091a\u0941\u0928\u093e\u0935", "2024 चुनाव"),
    ],
)
def test_spelling_variants_of_one_word_tokenize_alike(one: str, other: str) -> None:
    """Letter variants of the Arabic script, its optional marks, Cyrillic "ё", apostrophes
    and digits of any script are folded: two outlets' spellings give the same tokens."""
    assert token_text(one) == token_text(other)
    assert normalize_text(one) != one  # something was folded
    assert normalize_text(normalize_text(one)) == normalize_text(one)


@pytest.mark.parametrize(
    ("text", "expected_tokens"),
    [
        ("北京欢迎你", ["北", "京", "欢", "迎", "你"]),
        ("東京タワーへ", ["東", "京", "タ", "ワ", "ー", "へ"]),
        ("ภาษาไทย", ["ภ", "า", "ษ", "า", "ไ", "ท", "ย"]),
    ],
)
def test_unspaced_scripts_split_into_characters(text: str, expected_tokens: list[str]) -> None:
    """Chinese, Japanese and Thai, written without spaces, become one token per character."""
    assert token_text(text).split(" ") == expected_tokens


def test_mixed_scripts_split_only_the_unspaced_ones() -> None:
    """Latin words next to Chinese characters stay whole while the characters split."""
    assert token_text("Netflix网飞AI") == "netflix 网 飞 ai"


def test_token_text_keeps_line_breaks() -> None:
    """Line breaks survive tokenization, so tokens stay on their own line."""
    lines = token_text("One, two.\nThree!").split("\n")
    assert [line.split() for line in lines] == [["one", "two"], ["three"]]


def test_token_text_has_single_spaces_and_no_edges() -> None:
    """Tokens are separated by exactly one space, with none at either end."""
    result = token_text("  ¡Hola!  ¿Qué tal?  ")
    assert result == "hola qué tal"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), multilingual_text, combining_text))
def test_token_text_is_idempotent(text: str) -> None:
    """Tokenizing token text changes nothing."""
    once = token_text(text)
    assert token_text(once) == once


@pytest.mark.parametrize(("escaped", "expected"), [
    ("Obama&rsquo;s &ldquo;plan&rdquo;", "Obama’s “plan”"),
    ("AT&amp;T &#8212; &#x2014; caf&eacute;", "AT&T — — café"),
    ("one&#10;two&#13;three&#0;four", "one two three\ufffdfour"),
    ("&foo; & &amp &#xZZ;", "&foo; & & &#xZZ;"),  # "&amp" without its semicolon is "&"
    ("a&nbsp b &copy 2024, &eacute, union&nbspwent", "a\u00a0 b © 2024, é, union\u00a0went"),
    ("no reference at all", "no reference at all"),
    ("Obama&amp;rsquo;s &amp;amp;#8220;plan&amp;#x201D;", "Obama’s “plan”"),  # escaped again
    ("AT&amp;T, &amp;amp; and &amp;foo;", "AT&T, & and &foo;"),
])
def test_html_character_references_are_decoded(escaped: str, expected: str) -> None:
    """Named, decimal and hexadecimal references read as their characters (as HTML reads
    them: ``&#0;`` is U+FFFD, ``&nbsp`` without its semicolon is a no-break space); one
    standing for a line break reads as a space (a paragraph stays one line); anything else
    that is not a complete reference stays as written."""
    assert decode_references(escaped) == expected


def test_copies_escaped_for_html_group_with_their_originals() -> None:
    """End to end: 60 ECB+ documents against copies escaped for HTML (``&amp;``, ``&quot;``,
    ``&#39;``, ``&rsquo;``, ``&ldquo;``, ``&mdash;``, ``&eacute;``, ...) group with them,
    as near-duplicates of Jaccard 1.0. Before references were decoded: 47 of 60."""
    import html

    named = {"’": "&rsquo;", "‘": "&lsquo;", "“": "&ldquo;", "”": "&rdquo;", "—": "&mdash;",
             "–": "&ndash;", "é": "&eacute;", "…": "&hellip;"}

    def escaped(text: str) -> str:
        text = html.escape(text, quote=True).replace("&#x27;", "&#39;")
        for character, reference in named.items():
            text = text.replace(character, reference)
        return text

    _assert_copies_group_whole(escaped, least_changed=50)
    # Escaped twice over (a feed escaping what it took from another): before such
    # references were read, 47 of the 60 grouped, 7 at Jaccard 1.0.
    _assert_copies_group_whole(lambda text: escaped(text).replace("&", "&amp;"),
                               least_changed=50)


@pytest.mark.parametrize(("marked", "expected"), [
    ('<p>One <a href="https://x.example/?a=1&amp;b=2">link</a>.</p>', " One link. "),
    ("line one<br>line two<br/>three", "line one line two three"),
    ("<b>Ne</b>ws <em>today</em><!-- a comment -->", "News today "),
    ("&lt;p&gt; is how a tag is written", "<p> is how a tag is written"),
    ("2 < 3 and 5 > 4, x <y", "2 < 3 and 5 > 4, x <y"),
    ("A [new plan](https://x.example/a_(b).html?c=1 \"Plan\") and ![a map](<m b.png>).",
     "A new plan and a map."),
    ("[a] (b) and [c](not a link", "[a] (b) and [c](not a link"),
    ('A <script type="x">ad.push("a < b");</script>plan<Style>p { x: 1 }</Style>.',
     "A  plan ."),
    ("a <script> never closed", "a  never closed"),  # an open tag alone is a tag
])
def test_markup_is_not_text(marked: str, expected: str) -> None:
    """Tags and comments are removed (a block or line break as a space, an inline tag
    without a trace), then references decoded: an escaped tag is text. A ``<`` not opening
    a tag stays."""
    assert plain_text(marked) == expected


def test_copies_with_html_markup_group_with_their_originals() -> None:
    """End to end: 60 ECB+ documents against copies in HTML (each paragraph in ``<p>``, an
    inline link and an emphasis in each) group with them at Jaccard 1.0. Before tags were
    removed: 24 of 60."""

    def marked(words: list[str], number: int) -> str:
        if len(words) > 8:
            words[2] = f'<a href="https://example.com/news/{number}.html">{words[2]}'
            words[4] += "</a>"
            words[6] = f"<strong>{words[6]}</strong>"
        return "<p>" + " ".join(words) + "</p>"

    _assert_copies_group_whole(lambda text: _marked_up(text, marked), least_changed=60)
    # The same page on one line (as feeds give content:encoded): before block tags parted
    # its lines, grouped at a median Jaccard of 0.90 and chosen canonical in 31 of 65.
    _assert_copies_group_whole(lambda text: _marked_up(text, marked).replace("\n", ""),
                               least_changed=60)


@pytest.mark.parametrize(("text", "escaped"), [
    (r'He said \"no\".\n\nIt\u2019s over \ud83d\ude00 \/ \\ done', True),
    (r"one line\ttab", True),
    (r"a NUL \u0000, a lone surrogate \ud800, a pair \ud83d\ude00", True),
    ('a\\nb "c"', False),  # a raw quote: no JSON string body
    ("a\nb \\n", False),  # a line break of its own
    (r"C:\Users\me", False),  # "\U" is no escape
    ("no backslash", False),
])
def test_text_encoded_as_json_once_too_often_is_recognised(text: str, escaped: bool) -> None:
    """A text is read as JSON-escaped only when it holds an escape and is a valid JSON
    string body as a whole; then ``plain_text`` reads its escapes (a line break's as a
    space: a paragraph is one line to the steps, and the spans read the breaks)."""
    assert json_escaped(text) is escaped
    if escaped:
        decoded = json.loads(f'"{text}"')
        assert plain_text(text) == "".join(
            " " if character in "\n\x00" or "\ud800" <= character <= "\udfff" else character
            for character in decoded)
    else:
        assert plain_text(text) == text


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_copies_encoded_as_json_once_too_often_group_with_their_originals(
        ensure_ascii: bool) -> None:
    """End to end: 60 ECB+ documents against copies stored as the body of a JSON string
    (``\\n`` for line breaks, ``\\"`` for quotes, ``\\u2019`` unless UTF-8 is kept: a
    scraper encoding a string twice) group with them at Jaccard 1.0, each original
    canonical. Before (with the five seeds, 65 texts): 58 / 65 grouped and 11 / 5 originals
    canonical (the escapes' letters, ``n`` and ``u2019``, made each copy look more
    complete)."""
    _assert_copies_group_whole(lambda text: json.dumps(text, ensure_ascii=ensure_ascii)[1:-1],
                               least_changed=60)


def test_copies_with_scripts_in_their_markup_group_with_their_originals() -> None:
    """End to end: 60 ECB+ documents against copies in HTML whose longer paragraphs hold an
    ad slot's script and style sheet group with them at Jaccard 1.0, each original its
    group's canonical. Before scripts were dropped whole: grouped but the copy canonical in
    64 of the 65 seeds and ECB+ documents (the code's words made it look more complete),
    median Jaccard 0.58."""

    def with_ads(words: list[str], number: int) -> str:
        if len(words) > 12:
            words.insert(len(words) // 2, (
                f'<script type="text/javascript">googletag.cmd.push(function() {{ '
                f'googletag.display("div-gpt-ad-{number}"); }});</script>'
                f"<style>.ad-slot-{number} {{ min-height: 250px; }}</style>"))
        return "<p>" + " ".join(words) + "</p>"

    _assert_copies_group_whole(lambda text: _marked_up(text, with_ads), least_changed=50)


def test_copies_with_markdown_links_group_with_their_originals() -> None:
    """End to end: 60 ECB+ documents against copies in Markdown (a link in each longer
    paragraph, emphasis, a heading) group with them at Jaccard 1.0, each original its
    group's canonical. Before links were read as their text: every copy was its group's
    canonical (the address's tokens made it look more complete), in 60 of 60."""

    def markdown(words: list[str], number: int) -> str:
        if len(words) > 8:
            words[2] = f"[{words[2]}"
            words[3] += f"](https://www.example.com/news/2024/{number}/story.html)"
            words[6] = f"**{words[6]}**"
        return ("## " if number == 0 else "") + " ".join(words)

    _assert_copies_group_whole(lambda text: _marked_up(text, markdown), least_changed=60)


def _marked_up(text: str, mark: Callable[[list[str], int], str]) -> str:
    """The non-blank lines of ``text``, each made by ``mark`` from its words and number,
    as paragraphs."""
    return "\n\n".join(mark(line.split(), number) for number, line in enumerate(
        line.strip() for line in text.splitlines() if line.strip()))


def _assert_copies_group_whole(copy_of: Callable[[str], str], least_changed: int) -> None:
    """The first 60 ECB+ documents and a copy of each made by ``copy_of`` (at least
    ``least_changed`` of them changed) deduplicated together: every copy is in its
    original's group at Jaccard 1.0."""
    from newsdedup import dedup

    data = Path(__file__).parent.parent / "data" / "ecbplus-dev.jsonl"
    rows = [json.loads(line) for line in data.open(encoding="utf-8")][:60]
    assert sum(copy_of(row["text"]) != row["text"] for row in rows) >= least_changed
    result = dedup([record for row in rows for record in (
        {"id": row["id"], "text": row["text"]},
        {"id": f"{row['id']}~copy", "text": copy_of(row["text"])})])
    for row in rows:
        copy, original = result.article(f"{row['id']}~copy"), result.article(row["id"])
        assert copy.group_id == original.group_id
        assert copy.jaccard == 1.0 and original.relation == "canonical"


# --- mojibake -----------------------------------------------------------------------------


def _as_cp1252(text: str) -> str:
    return wrongly_decoded(text)


def _as_latin1(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _twice(text: str) -> str:
    return wrongly_decoded(text, 2)


@pytest.mark.parametrize("damage", [_as_cp1252, _as_latin1, _twice])
@pytest.mark.parametrize("text", [
    "Obama’s “plan” — café, naïve, £5, €3, 10°C, a\u00a0no-break space",
    "Élysée, Zürich, łódź, ć, Ørsted, ½ cup, 😀",
    "Привет, я тут: х, у, ї",  # one-letter words in a text that shows mojibake elsewhere
    "Καλημέρα, κόσμε",
    "网飞招聘",
])
def test_mojibake_is_read_back(text: str, damage: Callable[[str], str]) -> None:
    """UTF-8 shown as Windows-1252 or Latin-1, once or twice, reads back as the text it
    was, in any script."""
    assert damage(text) != text
    assert repair_mojibake(damage(text)) == text
    assert plain_text(damage(text)) == text


@pytest.mark.parametrize(("damaged", "expected"), [
    ("â€œquoteâ€", "“quote”"),  # the closing quote's last byte (0x9D) dropped
    ("â€œquoteâ€\ufffd and more", "“quote” and more"),  # ... or replaced
])
def test_a_closing_quote_that_lost_its_last_byte_is_one(damaged: str, expected: str) -> None:
    """0x9D, the last byte of ``”``, is undefined in Windows-1252: decoders drop it or
    replace it, leaving ``â€``, which no text holds."""
    assert repair_mojibake(damaged) == expected


@pytest.mark.parametrize("text", [
    "«\u00a0café\u00a0» et «\u00a0ÉTÉ\u00a0»",  # French spacing: "é" + NBSP + "»" are bytes
    "»Straße« und »MÜNCHEN«",  # "ß«" are the bytes of an N'Ko character
    "NÃO, IRMÃ, MÃE",  # Portuguese capitals
    "Ñ¡",  # a lone pair that reads as a Cyrillic letter, with no mojibake around it
    "ROMÂ’S",  # ... or as a control character (U+0092)
    "Ça, ÉCOLE, Ötzi, Ñandú, Ørsted, Þór, ßeta, © 2024, 20°C, ½ cup",
    "网飞招聘 — ☃ ✓",
    "",
])
def test_text_that_is_no_mojibake_stays(text: str) -> None:
    """Text in which a lead's character is not followed by continuations that read back as
    one Western character stays as written."""
    assert repair_mojibake(text) == text


_MOJIBAKE_SAFE = st.text(alphabet=st.sampled_from(list(
    "abc XYZ019.,;-'\"\n") + list("éèàüöñçÉÜÖÑÅØłśžčő’‘“”–—…€™•°£½") + ["😀", "🇺"]),
    max_size=40)


@settings(max_examples=300)
@given(_MOJIBAKE_SAFE, st.sampled_from([_as_cp1252, _as_latin1, _twice]))
def test_mojibake_of_western_text_reads_back_exactly(text: str,
                                                     damage: Callable[[str], str]) -> None:
    """Property: Western text (Latin letters, punctuation, symbols, emoji) that holds no
    pair of a wrong decoding itself, shown through one once or twice, reads back exactly;
    and repairing is
    idempotent, positions included (each character of the result maps to where its bytes
    start)."""
    from newsdedup._text.normalize import _MOJIBAKE_START

    assume(_MOJIBAKE_START.search(text) is None)  # "Å£" would read back as "ţ"
    assert repair_mojibake(damage(text)) == text
    repaired, where = mojibake_repaired(damage(text), positions=True)
    assert where is not None and where.size == len(repaired) + 1
    assert where[-1] == len(damage(text)) and bool((where[1:] > where[:-1]).all())
    assert repair_mojibake(repaired) == repaired


@settings(max_examples=300)
@given(multilingual_text)
def test_text_without_mojibake_marks_stays(text: str) -> None:
    """Property: text holding no lead's character followed by a continuation's (no pair
    of a wrong decoding) stays exactly as it is."""
    from newsdedup._text.normalize import _MOJIBAKE_START

    if _MOJIBAKE_START.search(text) is None:
        assert repair_mojibake(text) == text


@pytest.mark.parametrize("damage", [_as_cp1252, _as_latin1, _twice])
def test_copies_through_a_wrong_decoding_group_with_their_originals(
        damage: Callable[[str], str]) -> None:
    """End to end: the ECB+ documents and copies of them shown through a wrong decoding
    (Windows-1252, Latin-1, twice) group with them at Jaccard 1.0. Before mojibake was read
    back a seed article and its Windows-1252 copy had Jaccard 0.49 and were not grouped."""
    _assert_copies_group_whole(damage, least_changed=28)


def test_seeds_and_ukrainian_texts_through_a_wrong_decoding_group_with_their_originals(
) -> None:
    """End to end on real text with curly quotes, no-break spaces and Cyrillic: the five
    seeds and 20 Ukrainian texts (UA-GEC) with their copies shown through each wrong
    decoding are grouped with their originals at Jaccard 1.0, and the original stays the
    canonical (its id sorts first; nothing else differs)."""
    from newsdedup import Article, dedup

    data = Path(__file__).parent.parent / "data"
    texts = [path.read_text("utf-8") for path in sorted((data / "seeds").glob("*.txt"))]
    texts += [json.loads(line)["text"]
              for line in (data / "uagec-sample.jsonl").open(encoding="utf-8")][:20]
    for damage in (_as_cp1252, _as_latin1, _twice):
        result = dedup([article for number, text in enumerate(texts) for article in (
            Article(f"t{number}", text), Article(f"t{number}~copy", damage(text)))])
        for number in range(len(texts)):
            copy, original = result.article(f"t{number}~copy"), result.article(f"t{number}")
            assert copy.group_id == original.group_id, (damage.__name__, number)
            assert copy.jaccard == 1.0 and original.relation == "canonical"


# Letters that compose with what follows them (e, Hangul jamo), combining marks, compatibility
# forms (ligature, non-breaking space, ellipsis, full-width, superscript), and the boundaries.
_NFKC_ALPHABET = ("e\u0301\u0308\u0327\u0323ﬁ\u00a0…Ｎ²ßǅ\u1100\u1161\u11a8"
                  "\u0627\u064b\u0915\u093c\n\x00 a")


@settings(max_examples=300)
@given(st.text(alphabet=_NFKC_ALPHABET, max_size=40), st.sampled_from(["\n", "\x00"]))
def test_nfkc_piece_by_piece_is_nfkc(text: str, boundary: str) -> None:
    """Normalizing between line breaks (or NULs) gives the NFKC of the whole text: no
    composition, decomposition or reordering crosses them (jamo, marks and compatibility
    forms on both sides)."""
    assert nfkc(text, boundary) == unicodedata.normalize("NFKC", text)
