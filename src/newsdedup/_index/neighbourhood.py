"""Which stored articles an add can change, and the batch pipeline run over just those.

An add re-decides a *core* of articles and leaves every other stored decision as it is:

1. **Paragraphs.** The new paragraphs are placed against the stored ones (same fingerprint,
   or a shared LSH band then the pipeline's exact test: see ``_index.paragraphs``). The
   clusters they touch change (new carriers, merges), so every article carrying one of them
   may change: its links to the new articles, and the boilerplate blocks it belongs to.
2. **Groups.** The core is closed under the stored duplicate groups: a group is re-decided
   whole, because its canonical and membership depend on all its members.
3. **Context.** The pipeline also needs, around the core, the articles the core's decisions
   read: every carrier of the core's paragraph clusters (the *halo*; partners, block
   carriers), and for stories the stored stories of all of them plus stored articles that
   share the new articles' salient terms (names, places, figures), within whole stories.
4. **Run and check.** ``dedup_collected`` runs over core + context with the index-wide
   document frequencies. The halo is a sensor: if the run gives a halo article other
   boilerplate flags or family counts, digest flag or group than it has stored, or changes
   the link between a halo article and a core article whose own flags changed, the change
   reaches further, and that article (with its group) joins the core for another round.

*Established boilerplate*: a paragraph cluster decided recurring boilerplate across at least
``FROZEN_FAMILIES`` unrelated article families (site footers and headers, disclaimers) is not
expanded: its carriers (often thousands) are not pulled in, and in every run its paragraphs
are marked boilerplate (through the pattern flag, reported as recurring with the stored
family count). That decision is the one last made exactly; it is *frozen* until
:meth:`~newsdedup.DedupIndex.refresh`, and only a further carrier that merges families or
changes the block's share could have changed it. When the neighbourhood would cover more than
``FULL_RUN_SHARE`` of the index, or the index holds at most ``FULL_RUN_BELOW`` articles, the
run covers everything (a batch run over the stored features, nothing frozen).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import numpy as np

from .._core.config import DedupConfig
from .._core.types import I64
from .._near_duplicates.canonical import CanonicalKey
from .._results.reduce import dedup_collected
from .._results.result import DedupResult
from .._stories.vectors import StoryContext
from .._text.features import Collected, concat_features
from .._text.terms import CorpusFrequencies
from .integrity import damaged, stored_article
from .paragraphs import RECURRING
from .place import Incoming
from .state import IndexState
from .store import IndexStore

__all__ = ["FROZEN_FAMILIES", "FULL_RUN_BELOW", "FULL_RUN_SHARE", "Neighbourhood",
           "run_neighbourhood"]

#: Clusters decided recurring boilerplate across at least this many unrelated article
#: families keep that decision between refreshes (see the module docstring).
FROZEN_FAMILIES = 3
#: A neighbourhood covering more than this share of the index becomes a run over everything.
FULL_RUN_SHARE = 0.5
#: An index of at most this many retained articles is always recomputed whole (a run over
#: a thousand stored articles takes a fraction of a second, and is exact in everything).
FULL_RUN_BELOW = 1000
#: Rounds of growing the core before the last run is taken as it is.
MAX_ROUNDS = 5


@attrs.frozen(slots=True)
class Neighbourhood:
    """The outcome of a neighbourhood run.

    Attributes:
        result: the pipeline's result over ``slots`` (in that order).
        slots: the articles of the run (stored slots, then the incoming ones).
        core: slots whose whole decision is taken from ``result``.
        region: slots whose story is taken from ``result``: the core, and every article
            linked to it by being in one story with it, before or after (the rest keep
            their stored story; stories never straddle the border).
        frozen_paragraphs: ``{position in slots: {paragraph index: families}}`` of the
            paragraphs marked boilerplate because their cluster is frozen.
        full: whether the run covered every retained article.
        rounds: how many runs it took; ``settled`` whether the last one left the halo as
            stored (False only if ``MAX_ROUNDS`` ran out).
    """

    result: DedupResult
    slots: list[int]
    core: set[int]
    region: set[int]
    frozen_paragraphs: dict[int, dict[int, int]]
    full: bool
    rounds: int
    settled: bool


class _Closure:
    """Working state of one neighbourhood: frozen-cluster decisions and carriers, cached."""

    def __init__(self, memory: IndexState, incoming: Incoming, leaving: set[int]) -> None:
        self.memory, self.incoming, self.leaving = memory, incoming, leaving
        paragraphs = memory.paragraphs
        self.n_uids = paragraphs.n_uids
        # Stored roots joined by each incoming distinct paragraph (through its matches).
        joined: dict[int, set[int]] = {}
        chained: list[tuple[int, int]] = []
        stored_uids = [uid for uid in incoming.staged.uid.tolist() if 0 <= uid < self.n_uids]
        for left, right in incoming.edges.tolist():
            if right < self.n_uids:
                joined.setdefault(left, set()).add(right)
            else:
                chained.append((left, right))
        all_stored = sorted(set(stored_uids) | {u for us in joined.values() for u in us})
        root = dict(zip(all_stored, paragraphs.roots(np.array(all_stored, dtype=np.int64))
                        .tolist(), strict=True))
        # New uids chained by new-new matches share their stored roots (a new uid neither
        # matched nor chained joins none: it is left out).
        group = {uid: {uid} for uid in joined}
        for left, right in chained:
            first, second = group.setdefault(left, {left}), group.setdefault(right, {right})
            if first is not second:
                merged = first | second
                for uid in merged:
                    group[uid] = merged
        roots_of_group: dict[int, set[int]] = {}
        for members in group.values():
            if id(members) not in roots_of_group:
                roots_of_group[id(members)] = {root[u] for member in members
                                               for u in joined.get(member, ())}
        self.new_roots = {uid: roots_of_group[id(members)] for uid, members in group.items()
                          if roots_of_group[id(members)]}
        self.stored_roots_of_new = set(root[uid] for uid in stored_uids)
        for roots in self.new_roots.values():
            self.stored_roots_of_new |= roots
        self._frozen: dict[int, int | None] = {}

    def frozen(self, root: int) -> int | None:
        """Families of a frozen cluster, or None if the cluster is expanded."""
        if root not in self._frozen:
            paragraphs = self.memory.paragraphs
            flag, families = paragraphs.cluster_flag(root)
            self._frozen[root] = (families if flag == RECURRING and families >= FROZEN_FAMILIES
                                  else None)
        return self._frozen[root]

    def carriers(self, roots: Iterable[int]) -> set[int]:
        """Stored slots carrying a paragraph of the expanded clusters among ``roots``."""
        expanded = [root for root in set(roots) if self.frozen(root) is None]
        occurrences = self.memory.paragraphs.occurrences(expanded)
        slots = set(self.memory.paragraphs.occurrence_slot.values[occurrences].tolist())
        return slots - self.leaving

    def roots_of(self, slots: Iterable[int]) -> set[int]:
        """Cluster roots of the stored paragraphs of ``slots``."""
        slots = np.array(sorted(slots), dtype=np.int64)
        if slots.size == 0:
            return set()
        occurrences = self.memory.paragraphs.slot_occurrences(slots)
        uids = self.memory.paragraphs.occurrence_uid.values[occurrences]
        return set(self.memory.paragraphs.roots(uids[uids >= 0]).tolist())

    def close(self, slots: set[int], index: dict[str, set[int]], field: int) -> set[int]:
        """``slots`` with all members of their stored groups (``field`` 0) or stories (1)."""
        out = set(slots)
        state = self.memory.state
        # Each group or story once: per slot, a group of thousands was merged thousands of
        # times (quadratic in a syndicated story's copies).
        for key in {state[slot][field] for slot in slots} - {None}:
            out |= index.get(key or "", set())
        return out - self.leaving


def run_neighbourhood(memory: IndexState, store: IndexStore, incoming: Incoming,
                      leaving: set[int], config: DedupConfig,
                      canonical_key: CanonicalKey | None, full: bool = False) -> Neighbourhood:
    """Re-decide what ``incoming`` (and the ``leaving`` stored slots) can change; with
    ``full``, re-decide every retained article (a batch run over stored features)."""
    closure = _Closure(memory, incoming, leaving)
    new_slots = set(incoming.slots.tolist())
    core = set(new_slots) | closure.carriers(closure.stored_roots_of_new)
    core |= closure.carriers(closure.roots_of(leaving))
    leaving_story: set[int] = set()
    for slot in leaving:  # the groups and stories an article leaves are re-decided
        group, story = memory.state[slot][:2]
        core |= memory.group_members.get(group or "", set())
        leaving_story |= memory.story_members.get(story or "", set())
    leaving_story -= leaving
    core = closure.close(core - new_slots, memory.group_members, 0) | new_slots
    story_seeds = _story_candidates(memory, incoming, leaving)
    alive_after = memory.n_alive - len(leaving) + len(new_slots)
    frequencies = incoming.frequencies
    first_new = len(memory.ids)

    def id_of(slot: int) -> str:
        return (memory.ids[slot] if slot < first_new
                else incoming.articles[slot - first_new].id)

    rounds, settled = 0, False
    while True:
        rounds += 1
        stored_core = core - new_slots
        halo = closure.close(closure.carriers(closure.roots_of(stored_core)) - core,
                             memory.group_members, 0) - core
        # A digest's flag depends on all it contains: its partners come along.
        digests = {slot for slot in halo if memory.digest.values[slot]}
        halo |= closure.carriers(closure.roots_of(digests)) - core
        context = closure.close(stored_core | halo | story_seeds | leaving_story,
                                memory.story_members, 1)
        full = (full or alive_after <= FULL_RUN_BELOW
                or len(context | core) > FULL_RUN_SHARE * alive_after)
        if full:
            context = set(np.flatnonzero(memory.alive.values).tolist()) - leaving
            core = context | new_slots
        # Runs list articles by id: the pipeline breaks a few exact ties by position.
        slots = sorted([*(context - new_slots), *incoming.slots.tolist()], key=id_of)
        result, frozen_paragraphs = _run(memory, store, incoming, closure, slots, frequencies,
                                         config, canonical_key, full, leaving)
        if full:
            return Neighbourhood(result, slots, core, core, {}, True, rounds, True)
        region = _story_region(memory, result, slots, core | (leaving_story & context))
        grown = _sensor(memory, result, slots, core, halo, frozen_paragraphs)
        settled = not grown
        if settled or rounds >= MAX_ROUNDS:
            return Neighbourhood(result, slots, core, region, frozen_paragraphs, False, rounds,
                                 settled)
        core |= closure.close(grown, memory.group_members, 0)


def _story_candidates(memory: IndexState, incoming: Incoming, leaving: set[int]) -> set[int]:
    """Stored articles sharing strong terms with the incoming ones, within the largest gap
    at which the story step can link them (``story_max_gap_days``; ``story_window_days``
    None: no limit)."""
    alive = memory.alive.values.copy()
    alive[list(leaving)] = False
    config = memory.config
    window = (None if config.story_window_days is None or config.story_max_gap_days is None
              else max(config.story_window_days, config.story_max_gap_days))
    times = np.array([np.nan if a.published is None else a.published.timestamp()
                      for a in incoming.articles])
    pairs = memory.story_terms.candidates(
        incoming.story_terms, alive, times, memory.published.values,
        None if window is None else window * 86400.0)
    return set(pairs[:, 1].tolist())


def _run(memory: IndexState, store: IndexStore, incoming: Incoming, closure: _Closure,
         slots: list[int], frequencies: CorpusFrequencies, config: DedupConfig,
         canonical_key: CanonicalKey | None, full: bool, leaving: set[int]
         ) -> tuple[DedupResult, dict[int, dict[int, int]]]:
    """One pipeline run over ``slots`` (in that order), frozen clusters marked boilerplate,
    with the index around it (``frequencies``; ``leaving`` articles gone) as the story step's
    context."""
    first_new = len(memory.ids)
    stored_slots = [slot for slot in slots if slot < first_new]
    records = store.records_text(memory.ids[slot] for slot in stored_slots)
    stored_features = dict(zip(stored_slots, memory.features(store, stored_slots), strict=True))
    new_rows = np.split(np.arange(incoming.staged.uid.size),
                        incoming.features.article_paragraphs[1:-1])
    articles, empty, parts = [], [], []
    frozen_paragraphs: dict[int, dict[int, int]] = {}
    for position, slot in enumerate(slots):
        if slot < first_new:
            article_id = memory.ids[slot]
            if article_id not in records:
                damaged(store.path, f"the row of article {article_id!r} is missing")
            article = stored_article(store.path, article_id, records[article_id])
            part = stored_features[slot]
            uids = memory.paragraphs.occurrence_uid.values[
                memory.paragraphs.slot_occurrences(np.array([slot]))]
            roots = [{root} if root >= 0 else set()
                     for root in _roots_or_minus_one(memory, uids).tolist()]
        else:
            article, part = incoming.articles[slot - first_new], incoming.parts[slot - first_new]
            uids = incoming.staged.uid[new_rows[slot - first_new]]
            roots = [{int(memory.paragraphs.roots(np.array([uid]))[0])}
                     if 0 <= uid < closure.n_uids else closure.new_roots.get(uid, set())
                     for uid in uids.tolist()]
        empty.append(not article.text.strip())
        # With its text: the run reads it (the default canonical rule its credit lines,
        # ``canonical_inputs.credited_times``; a user key, rewrites and embeddings theirs),
        # as the batch pipeline does, or the index would differ from it.
        articles.append(article)
        if not full:
            frozen = {index: max(decisions) for index, paragraph_roots in enumerate(roots)
                      if (decisions := [families for root in paragraph_roots
                                        if (families := closure.frozen(root)) is not None])}
            if frozen:
                frozen_paragraphs[position] = frozen
                pattern = part.pattern_boilerplate.copy()
                pattern[list(frozen)] = True
                part = attrs.evolve(part, pattern_boilerplate=pattern)
        parts.append(part)
    features = concat_features(parts) if parts else incoming.features
    collected = Collected(articles, features, np.array(empty, dtype=bool))
    story_context = None
    if not full:
        # Groups outside the run: the retained ones but those of its stored articles and of
        # the articles leaving (whose other members the core holds).
        inside = {memory.state[slot][0] for slot in (*stored_slots, *leaving)}
        story_context = StoryContext(frequencies, len(memory.group_members)
                                     - len(inside - {None}))
    result = dedup_collected(collected, config, canonical_key,
                             None if full else frequencies, story_context)
    return result, frozen_paragraphs


def _roots_or_minus_one(memory: IndexState, uids: I64) -> I64:
    """Cluster root of each uid (-1 for paragraphs without shingles)."""
    roots = np.full(uids.size, -1, dtype=np.int64)
    has = uids >= 0
    roots[has] = memory.paragraphs.roots(uids[has])
    return roots


def _story_region(memory: IndexState, result: DedupResult, slots: list[int],
                  core: set[int]) -> set[int]:
    """The core and every article of the run sharing a story with it, before or after the
    run, transitively (the stored stories of the run's articles lie inside the run)."""
    position = {slot: n for n, slot in enumerate(slots)}
    local: dict[str, list[int]] = {}
    for slot in slots:
        local.setdefault(result.articles[position[slot]].story_id, []).append(slot)
    region, frontier = set(core), list(core)
    seen_local: set[str] = set()
    seen_stored: set[str] = set()
    while frontier:
        slot = frontier.pop()
        # Each story once (per slot, a story of thousands was listed thousands of times).
        neighbours: list[int] = []
        story = result.articles[position[slot]].story_id
        if story not in seen_local:
            seen_local.add(story)
            neighbours += local[story]
        stored = memory.state[slot][1] if slot < len(memory.ids) else None
        if stored is not None and stored not in seen_stored:
            seen_stored.add(stored)
            neighbours += memory.story_members.get(stored, ())
        for other in neighbours:
            if other not in region and other in position:
                region.add(other)
                frontier.append(other)
    return region


def _sensor(memory: IndexState, result: DedupResult, slots: list[int], core: set[int],
            halo: set[int], frozen_paragraphs: dict[int, dict[int, int]]) -> set[int]:
    """Halo articles whose stored state the run contradicts: other boilerplate flags, family
    counts (of clusters not frozen), digest flag or group, or a link with a core article whose
    own flags changed."""
    position = {slot: n for n, slot in enumerate(slots)}
    groups = {group.id: group for group in result.groups}

    def flags_differ(slot: int) -> bool:
        article = result.articles[position[slot]]
        return (_flagged(memory, slot) != {b.index for b in article.boilerplate_paragraphs}
                or bool(memory.digest.values[slot]) != article.is_digest)

    def families_differ(slot: int) -> bool:
        # Another cluster's change can split or merge the families a block's carriers fall
        # in: the run counts them right, but only the core's decisions are written. Only
        # the count is wrong then, but the halo article's other clusters may lie partly
        # outside this run, so it joins the core rather than being written from it.
        frozen = frozen_paragraphs.get(position[slot], {})
        first = int(memory.paragraphs.slot_first.values[slot])
        stored = memory.paragraphs.families.values
        return any(b.families != int(stored[first + b.index])
                   for b in result.articles[position[slot]].boilerplate_paragraphs
                   if b.reason == "recurring" and b.index not in frozen)

    same_members: dict[tuple[str | None, str], bool] = {}

    def group_differs(slot: int) -> bool:
        article = result.articles[position[slot]]
        stored_group, _, stored_canonical, _ = memory.state[slot]
        key = (stored_group, article.group_id)
        if key not in same_members:  # once per group, not per member
            stored = {memory.ids[m] for m in memory.group_members.get(stored_group or "", ())}
            same_members[key] = stored == {m.id for m in groups[article.group_id].members}
        return not same_members[key] or article.canonical_id != stored_canonical

    grown = {slot for slot in halo
             if flags_differ(slot) or families_differ(slot) or group_differs(slot)}
    changed = {memory.ids[slot] for slot in core
               if slot < len(memory.ids) and memory.alive.values[slot] and flags_differ(slot)}
    if changed:
        halo_ids = {memory.ids[slot]: slot for slot in halo}
        for match in result.matches:
            for mine, theirs in ((match.a, match.b), (match.b, match.a)):
                if mine in halo_ids and theirs in changed:
                    grown.add(halo_ids[mine])
    return grown


def _flagged(memory: IndexState, slot: int) -> set[int]:
    """Paragraph indices of ``slot`` stored as boilerplate."""
    first = int(memory.paragraphs.slot_first.values[slot])
    count = int(memory.paragraphs.slot_count.values[slot])
    return set(np.flatnonzero(memory.paragraphs.flag.values[first:first + count]).tolist())
