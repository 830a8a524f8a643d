# ruff: noqa
"""Rewrite stand-in: ECB+ dev documents rewritten by script, scored as rewrite matches.

Run from the repository root: ``python -m benchmarks.rewrites [rewrite_threshold=0.2]``
(see docs/stories.md, "Rewrites", for what the stand-in is and is not).
"""

import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from newsdedup import dedup

ROWS = [json.loads(l) for l in open(Path(__file__).resolve().parents[1] / 'tests' / 'data' / 'ecbplus-dev.jsonl', encoding='utf-8')]

def sentences(text):
    return [s for s in re.split(r'(?<=[.!?])\s+', text.replace('\n\n', ' ')) if s.strip()]

def paraphrase(sentence, rng):
    words = sentence.split()
    # drop a clause after a comma
    if ',' in sentence and rng.random() < 0.5:
        parts = sentence.split(',')
        drop = rng.randrange(1, len(parts))
        words = ','.join(parts[:drop] + parts[drop + 1:]).split()
    out = []
    for w in words:
        r = rng.random()
        if r < 0.12 and len(words) > 6:
            continue  # drop a word
        if r < 0.35 and w.isalpha() and w.islower() and len(w) > 3:
            w = w + 's' if not w.endswith('s') else w[:-1]  # inflection change
        elif r < 0.42 and out:
            out[-1], w = w, out[-1]  # swap neighbours
        out.append(w)
    # move a leading phrase to the end now and then
    if len(out) > 8 and rng.random() < 0.3:
        k = rng.randrange(2, 5)
        out = out[k:] + out[:k]
    return ' '.join(out)

def derive(row, rng, partly, filler_rows):
    sents = sentences(row['text'])
    rng.shuffle(sents) if rng.random() < 0.5 else None
    if partly:
        keep = sents[:max(2, len(sents) // 2)]
        other = sentences(rng.choice(filler_rows)['text'])[:len(sents) // 2 + 1]
        body = [paraphrase(s, rng) for s in keep] + other
    else:
        keep = [s for s in sents if rng.random() > 0.15] or sents
        body = [paraphrase(s, rng) for s in keep]
    paras = [' '.join(body[i:i + 2]) for i in range(0, len(body), 2)]
    return '\n\n'.join(paras)

rng = random.Random(7)
by_event = defaultdict(list)
for r in ROWS: by_event[r['event']].append(r)
sources = [r for r in sorted(ROWS, key=lambda r: r['id']) if len(sentences(r['text'])) >= 4]
chosen = rng.sample(sources, 120)
articles = [{'id': r['id'], 'text': r['text']} for r in ROWS]
derived = {}
for n, r in enumerate(chosen):
    partly = n % 2 == 1
    did = f'derived-{n:03d}-{"part" if partly else "whole"}'
    other_topic = [x for x in ROWS if x['topic'] != r['topic']]
    articles.append({'id': did, 'text': derive(r, rng, partly, other_topic)})
    derived[did] = r['id']
opts = eval('dict(' + (sys.argv[1] if len(sys.argv) > 1 else '') + ')')
res = dedup(articles, **opts)
event = {r['id']: r['event'] for r in ROWS}
for d, s in derived.items(): event[d] = event[s]
pairs = {}
for m in res.matches:
    pairs[(m.a, m.b)] = m
true = {tuple(sorted((d, s))) for d, s in derived.items()}
linked = sum(1 for p in true if p in pairs)
by_rel = defaultdict(int)
for p in true:
    if p in pairs: by_rel[pairs[p].relation] += 1
rw = [m for m in res.matches if m.relation == 'rewrite']
tp = sum(1 for m in rw if (m.a, m.b) in true)
same_event_fp = sum(1 for m in rw if (m.a, m.b) not in true and event[m.a] == event[m.b])
print('derived pairs', len(true), 'linked by any relation', linked, dict(by_rel))
print('rewrite matches', len(rw), 'true', tp, 'false', len(rw) - tp, 'of which same-event', same_event_fp)
print('recall (any link)', round(linked / len(true), 3), 'rewrite precision', round(tp / max(len(rw), 1), 3))
whole = [p for p in true if 'whole' in p[0] + p[1]]; part = [p for p in true if 'part' in p[0] + p[1]]
print('whole recall', round(sum(p in pairs for p in whole) / len(whole), 3), 'partial recall', round(sum(p in pairs for p in part) / len(part), 3))
# score distribution: all rewrite scores of pairs (lower threshold run)
sc_true = sorted(m.score for m in rw if (m.a, m.b) in true)
sc_false = sorted(m.score for m in rw if (m.a, m.b) not in true)
print('false scores', [round(x, 2) for x in sc_false[-15:]])
print('true scores q', np.quantile(sc_true, [0, .1, .5]).round(2) if sc_true else None)
scored = sorted([(m.score, (m.a, m.b) in true) for m in rw], reverse=True)
best = (0, None)
tp = fp = 0
for s, t in scored:
    tp += t; fp += (not t)
    if tp / (tp + fp) >= 0.9 and tp / len(true) > best[0]:
        best = (tp / len(true), s)
print('recall at precision>=0.9 (rewrite relation)', round(best[0], 3), 'at score', best[1])
for th in (0.4, 0.45, 0.5, 0.55):
    sel = [t for s, t in scored if s >= th]
    print(th, 'precision', round(sum(sel) / max(len(sel), 1), 3), 'recall', round(sum(sel) / len(true), 3))
text = {a['id']: a['text'] for a in articles}
fl = sorted([m for m in rw if (m.a, m.b) not in true], key=lambda m: -m.score)[:3]
for m in fl:
    print('----', m.a, m.b, m.score, event.get(m.a), event.get(m.b))
    print(text[m.a][:400].replace('\n', ' '))
    print('>>', text[m.b][:400].replace('\n', ' '))
