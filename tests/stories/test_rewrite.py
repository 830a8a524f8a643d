"""Rewrites: paraphrased copies among a story's candidate pairs
(src/newsdedup/_stories/rewrite.py)."""

from __future__ import annotations

from newsdedup import Article, dedup

SOURCE = ("Firefighters in Wellington battled a blaze at the Waitrose supermarket early on Sunday, "
          "and half of the entrance roof collapsed, the fire service said.\n\n"
          "Robert Pitman, 24, from the town has been charged with arson and will appear before "
          "Taunton Deane magistrates on Tuesday, police confirmed.\n\n"
          "The store will stay closed for several weeks while the damage is assessed, a "
          "spokeswoman for the supermarket chain said.")
REWRITE = ("Half of the entrance roof collapsed when a blaze hit the Waitrose supermarket in "
           "Wellington early Sunday, fire services said, as firefighters battled it.\n\n"
           "Police confirmed that Robert Pitman, 24, from the town was charged with arson; he "
           "will appear before magistrates in Taunton Deane on Tuesday.\n\n"
           "A spokeswoman for the chain said the store would stay closed for several weeks "
           "while damage was assessed.")
OTHER = ("Shoppers in Wellington were evacuated on Sunday after a fire at the Waitrose store; "
         "a man from the town, Robert Pitman, was later arrested.\n\n"
         "Residents told reporters they heard sirens before dawn and saw smoke over the high "
         "street for hours, and local councillors praised the crews.")


def test_a_paraphrased_copy_is_a_rewrite_match() -> None:
    """A reworded copy sharing no five-word run is reported as a rewrite, with its paragraphs."""
    result = dedup([Article("src", SOURCE), Article("rw", REWRITE)])
    rewrites = [m for m in result.matches if m.relation == "rewrite"]
    assert len(rewrites) == 1
    match = rewrites[0]
    assert (match.a, match.b) == ("rw", "src") and not match.is_duplicate
    assert match.score >= 0.55
    assert [(p.a_index, p.b_index) for p in match.shared_paragraphs] == [(0, 0), (1, 1), (2, 2)]
    assert len(result.groups) == 2  # a match, not a duplicate link


def test_another_write_up_of_the_story_is_not_a_rewrite() -> None:
    """A different write-up of the same event (same names, other wording) is no rewrite."""
    result = dedup([Article("src", SOURCE), Article("other", OTHER)])
    assert not [m for m in result.matches if m.relation == "rewrite"]


def test_rewrites_work_in_a_script_without_spaces_or_case() -> None:
    """Character n-grams find a reordered Cyrillic rewrite too."""
    source = ("Пожарные в Веллингтоне в воскресенье тушили пожар в супермаркете, обрушилась "
              "половина крыши над входом.\n\nМестный житель 24 лет обвиняется в поджоге и "
              "предстанет перед судом во вторник, сообщила полиция.")
    rewrite = ("Во вторник перед судом предстанет местный житель 24 лет, которого обвиняют в "
               "поджоге, сообщила полиция.\n\nВ воскресенье пожарные тушили пожар в "
               "супермаркете в Веллингтоне; обрушилась половина крыши над входом.")
    result = dedup([Article("a", source), Article("b", rewrite)])
    assert [m.relation for m in result.matches] == ["rewrite"]


def test_text_links_are_not_reported_again_and_rewrites_can_be_off() -> None:
    """A near-duplicate pair is reported once, as near-duplicate; rewrite_threshold=None
    reports no rewrite."""
    result = dedup([Article("src", SOURCE), Article("copy", SOURCE + " Updated.")])
    assert [m.relation for m in result.matches] == ["near-duplicate"]
    off = dedup([Article("src", SOURCE), Article("rw", REWRITE)], rewrite_threshold=None)
    assert not [m for m in off.matches if m.relation == "rewrite"]
