"""Repeated paragraphs inside one article."""

from __future__ import annotations

from newsdedup import dedup

BODY = ("The council approved the new budget for the harbour district on Tuesday evening "
        "after a long debate about the costs of the sea wall.")
OTHER = "Residents said the decision came too late for the fishing families of the old port."


def test_exact_repeat_names_first_occurrence() -> None:
    """A verbatim repeat points to the earliest occurrence, kind 'exact'."""
    result = dedup([{"id": "a", "text": f"{BODY}\n{OTHER}\n{BODY}\n{BODY}"}])
    repeats = result.articles[0].repeated_paragraphs
    assert [(r.index, r.repeat_of, r.kind) for r in repeats] == [(2, 0, "exact"),
                                                                  (3, 0, "exact")]


def test_near_repeat_is_flagged_with_similarity() -> None:
    """A lightly reworded repeat is a near-duplicate with its exact Jaccard."""
    reworded = BODY.replace("Tuesday evening", "Tuesday night")
    result = dedup([{"id": "a", "text": f"{BODY}\n\n{OTHER}\n\n{reworded}"}])
    (repeat,) = result.articles[0].repeated_paragraphs
    assert (repeat.index, repeat.repeat_of, repeat.kind) == (2, 0, "near-duplicate")
    assert 0.5 <= repeat.jaccard < 1.0


def test_contained_sentence_is_partial_repeat() -> None:
    """A paragraph repeating one sentence of a longer one is a partial repeat."""
    long = BODY + " " + OTHER + " The mayor promised a second vote in spring next year."
    result = dedup([{"id": "a", "text": f"{long}\n\nSomething else entirely here.\n\n{BODY}"}])
    (repeat,) = result.articles[0].repeated_paragraphs
    assert (repeat.index, repeat.repeat_of) == (2, 0)
    assert repeat.containment == 1.0 and repeat.kind in {"partial", "near-duplicate"}


def test_same_paragraph_in_two_articles_is_not_a_repeat() -> None:
    """Repeats are within one article; sharing across articles is a match instead."""
    result = dedup([{"id": "a", "text": f"{BODY}\n{OTHER}"}, {"id": "b", "text": BODY}])
    assert all(not a.repeated_paragraphs for a in result.articles)


def test_a_line_repeated_with_three_edited_words_is_a_near_duplicate_repeat() -> None:
    """Three words edited in the 25-token BODY leave a Jaccard and a containment under the
    thresholds: an edited line, reported as a near-duplicate repeat, not a partial one."""
    edited = (BODY.replace("approved", "passed").replace("long debate", "heated debate")
              .replace("the sea", "a sea"))
    result = dedup([{"id": "a", "text": f"{BODY}\n\n{OTHER}\n\n{edited}"}])
    (repeat,) = result.articles[0].repeated_paragraphs
    assert (repeat.index, repeat.repeat_of, repeat.kind) == (2, 0, "near-duplicate")
    assert repeat.jaccard < 0.5 and repeat.containment < 0.5
