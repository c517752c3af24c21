"""Near-copy detection over character shingles (REP-2, PERF-6) — pure Python, no Django import.

Art. 2 / Art. 6 (坚决防止形式主义): a report copied from last year's or from a peer's is a known form of
formalism. Detection must scale to a province's 40,000 reports (PERF-6), so it never compares every pair:

1. **Fingerprints** (content-defined sampling of character 5-grams, in the spirit of Schleimer, Wilkerson
   & Aiken, *Winnowing*, 2003): of every 5-character shingle of the normalised text keep those starting
   with an "anchor" character — a fixed 1-in-`SAMPLE` (8) share of characters. Two texts sharing a
   passage of a few dozen characters share fingerprints, and the share of common fingerprints estimates
   the 5-gram Jaccard.
2. **Inverted index**: fingerprint → documents. Fingerprints held by many documents are stock phrases
   (“深入学习贯彻习近平新时代中国特色社会主义思想”) that say nothing about copying; they are dropped
   above a document-frequency cap, which also keeps the candidate count near-linear.
3. **Candidates** are pairs sharing at least `MIN_SHARED` rare fingerprints; each is scored by
   containment (shared ÷ the smaller fingerprint set) and the estimated Jaccard.

`exact_jaccard` is the exhaustive baseline the bench compares against; `shared_passages` finds the
overlapping passages for the side-by-side view (difflib, only for the pairs shown).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Generic, TypeVar

SHINGLE = 5
SAMPLE = 8
#: Below this many documents fingerprints are taken four times as densely (1 in 2): the cost is negligible
#: and short shared passages (a paragraph) are still caught.
DENSE_BELOW = 5000
DENSE_SAMPLE = 2


def sample_for(count: int) -> int:
    """Fingerprint density for a corpus of `count` documents (dense for a campaign, sparse at scale)."""
    return DENSE_SAMPLE if count < DENSE_BELOW else SAMPLE


MIN_SHARED = 4
#: A pair is a near-copy when this share of the smaller document's (rare) fingerprints is shared.
CONTAINMENT_THRESHOLD = 0.15
#: Labels by containment (REP-2), calibrated with `shuping bench similarity`'s corpus (docs/evaluations.md
#: §3): planted copies of half a report's paragraphs
#: reach 0.25–0.88, lightly edited copies 0.66–0.97, whole copies 1.0; unrelated reports share ≤ 0.04 there
#: and 15–17 % in realistic 述职报告, whose stock phrases (the same tasks, the same 提法) are not copying.
#: Below PARTIAL_AT a pair is ordinary overlap — listed for the curious, never a finding.
PARTIAL_AT = 0.25
HIGH_AT = 0.60
LABEL_HIGH = "高度雷同"
LABEL_PARTIAL = "部分相似"
LABEL_ORDINARY = "少量重合"


def similarity_label(containment: float) -> str:
    """高度雷同 (≥ HIGH_AT), 部分相似 (≥ PARTIAL_AT) or 少量重合 (common phrasing, not a copy)."""
    if containment >= HIGH_AT:
        return LABEL_HIGH
    if containment >= PARTIAL_AT:
        return LABEL_PARTIAL
    return LABEL_ORDINARY


#: Shared passages shorter than this many characters are not shown.
MIN_PASSAGE = 12

_STRIP = re.compile(r"[\s\u3000，。、；：！？“”‘’（）《》〈〉【】「」,.;:!?()\[\]\"'·…—\-]+")


def normalise(text: str) -> str:
    """Text as compared: whitespace and punctuation removed (re-punctuating is not rewriting)."""
    return _STRIP.sub("", text or "")


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Every k-character shingle of the normalised text (the exact baseline)."""
    s = normalise(text)
    return {s[i : i + k] for i in range(len(s) - k + 1)}


def _anchor_class(sample: int) -> str:
    """Characters that start a fingerprint: a fixed pseudo-random 1-in-`sample` share of CJK ideographs,
    digits and Latin letters (Knuth's multiplicative hash of the code point, so it never changes)."""
    chosen = [
        chr(cp)
        for block in (range(0x4E00, 0xA000), range(0x30, 0x3A), range(0x41, 0x5B), range(0x61, 0x7B))
        for cp in block
        if ((cp * 2654435761) & 0xFFFFFFFF) >> 29 < 8 // sample
    ]
    return "".join(chosen)


@functools.lru_cache(maxsize=4)
def _anchor_pattern(k: int, sample: int) -> re.Pattern[str]:
    return re.compile("(?=([" + re.escape(_anchor_class(sample)) + "].{" + str(k - 1) + "}))")


def fingerprints(text: str, *, k: int = SHINGLE, sample: int = SAMPLE) -> frozenset[str]:
    """The text's fingerprints: every k-shingle that starts with an anchor character (about 1 in `sample`).

    Content-defined sampling — the same passage yields the same fingerprints wherever it appears — done
    by the regex engine in one pass, so 40,000 reports take seconds (PERF-6). Fingerprints are the
    shingles themselves: stable across processes, storable, and their overlap estimates the 5-gram
    Jaccard of the two texts.
    """
    return frozenset(_anchor_pattern(k, sample).findall(normalise(text)))


def exact_jaccard(a: set[str], b: set[str]) -> float:
    """Exact Jaccard of two shingle sets (the exhaustive baseline of PERF-6)."""
    if not a and not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


#: A document's key (a report's id in the app, any hashable in tests).
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Match(Generic[K]):
    """A candidate near-copy: two document keys, shared rare fingerprints, containment and Jaccard estimate."""

    a: K
    b: K
    shared: int
    containment: float
    jaccard: float


def df_cap(count: int) -> int:
    """Fingerprints held by more documents than this are stock phrases, not evidence of copying."""
    return max(3, min(12, count // 5))


def find_near_copies(
    documents: Sequence[tuple[K, frozenset[str]]],
    *,
    threshold: float = CONTAINMENT_THRESHOLD,
    min_shared: int = MIN_SHARED,
    cap: int | None = None,
    pairs_allowed: Callable[[K, K], bool] | None = None,
) -> list[Match[K]]:
    """Near-copy pairs among `documents` [(key, fingerprints)], through an inverted index (no n² loop).

    `pairs_allowed(a, b)` may exclude pairs (e.g. two reports of the same campaign and person).
    """
    cap = df_cap(len(documents)) if cap is None else cap
    index: dict[str, list[int]] = defaultdict(list)
    for position, (_key, prints) in enumerate(documents):
        for fp in prints:
            index[fp].append(position)
    rare: dict[str, list[int]] = {fp: docs for fp, docs in index.items() if 1 < len(docs) <= cap}
    stop = {fp for fp, docs in index.items() if len(docs) > cap}
    # Counter.update over combinations runs in C: the only loop whose length is the number of pairs.
    counts: Counter[tuple[int, int]] = Counter()
    for docs in rare.values():
        counts.update(combinations(docs, 2))
    sizes = [len(prints - stop) if stop else len(prints) for _key, prints in documents]
    out: list[Match[K]] = []
    for (x, y), shared in counts.items():
        if shared < min_shared:
            continue
        smaller = min(sizes[x], sizes[y]) or 1
        containment = shared / smaller
        if containment < threshold:
            continue
        ka, kb = documents[x][0], documents[y][0]
        if pairs_allowed is not None and not pairs_allowed(ka, kb):
            continue
        union = sizes[x] + sizes[y] - shared
        out.append(Match(ka, kb, shared, round(containment, 3), round(shared / union if union else 0.0, 3)))
    out.sort(key=lambda m: (-m.containment, str(m.a), str(m.b)))
    return out


@dataclass(frozen=True)
class Passage:
    """One passage two texts share: its text and where it starts in each."""

    text: str
    start_a: int
    start_b: int


def shared_passages(a: str, b: str, *, min_length: int = MIN_PASSAGE) -> list[Passage]:
    """Passages of at least `min_length` characters that appear in both texts (in `a`'s order)."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [
        Passage(a[m.a : m.a + m.size], m.a, m.b)
        for m in matcher.get_matching_blocks()
        if m.size >= min_length and normalise(a[m.a : m.a + m.size])
    ]


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_shared) runs for the side-by-side view."""
    out: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor:
            start = cursor
        if start >= end:
            continue
        if start > cursor:
            out.append((text[cursor:start], False))
        out.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], False))
    return out
