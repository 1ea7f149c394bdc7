"""Sampling and enumerating condition patterns.

A *pattern* is the truth value of every free condition, packed into an unsigned
integer code (bit j = the j-th free condition in dependency order). Everything a draw
decides depends only on its pattern, so a Monte Carlo run reduces to counting
patterns; counts are integers, so results do not depend on how draws are chunked or
spread over workers.

Random numbers come in fixed blocks of :data:`BLOCK` draws; block ``b`` of seed ``s``
is drawn from ``SeedSequence(s, spawn_key=(b,))``. Draw ``i`` therefore always gets the
same uniforms, whatever the chunk it is computed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.bounds import check_count
from forcegen.engine.odds.condition_model import ConditionModel
from forcegen.errors import ForcegenError
from forcegen.limits import MAX_EXACT_CONDITIONS

BLOCK = 1 << 16
"""Draws per random-number block [draws]."""

DEFAULT_CHUNK = 1 << 20
"""Draws processed at once by default [draws]; memory is O(chunk x free conditions)."""

BINCOUNT_MAX_BITS = 22
"""Up to this many free conditions, patterns are counted in a dense array."""


Progress = Callable[[int, int], None]
"""Called with (draws done, draws in all)."""


@dataclass(frozen=True)
class PatternTable:
    """Distinct patterns with their weights.

    ``weights`` are draw counts (Monte Carlo, ``total`` = draws) or probabilities
    (exact enumeration, ``total`` = 1).
    """

    codes: NDArray[np.uint64]
    weights: NDArray[np.float64]
    total: float
    counts: NDArray[np.int64] | None = None


@lru_cache(maxsize=8)
def _block_uniforms(seed: int, block: int, columns: int) -> NDArray[np.float64]:
    """Uniforms [0, 1) of one block: one row per condition column, BLOCK draws each.

    Cached (a few blocks), so that chunks smaller than a block do not redraw it.
    """
    sequence = np.random.SeedSequence(seed, spawn_key=(block,))
    generator = np.random.Generator(np.random.PCG64(sequence))
    values = generator.random((columns, BLOCK))
    values.flags.writeable = False
    return values


def uniforms(seed: int, start: int, stop: int, columns: int) -> NDArray[np.float64]:
    """Uniforms for draws ``start`` to ``stop`` (excluded): shape (columns, draws)."""
    out = np.empty((columns, stop - start))
    for block, lo, hi in _blocks(start, stop):
        base = block * BLOCK
        out[:, lo - start : hi - start] = _block_uniforms(seed, block, columns)[
            :, lo - base : hi - base
        ]
    return out


def _blocks(start: int, stop: int) -> Iterator[tuple[int, int, int]]:
    """(block, first draw, end draw) of each block overlapping [start, stop)."""
    for block in range(start // BLOCK, (stop - 1) // BLOCK + 1):
        yield block, max(start, block * BLOCK), min(stop, (block + 1) * BLOCK)


def pattern_values(
    model: ConditionModel, codes: NDArray[np.uint64]
) -> dict[str, NDArray[np.bool_] | bool]:
    """Truth value of every condition for each pattern code (fixed ones as scalars)."""
    values: dict[str, NDArray[np.bool_] | bool] = dict(model.fixed)
    for j, rule in enumerate(model.rules):
        values[rule.condition] = ((codes >> np.uint64(j)) & np.uint64(1)).astype(bool)
    return values


def _draw_chunk(
    model: ConditionModel,
    seed: int,
    start: int,
    stop: int,
    forced: Mapping[str, bool],
) -> NDArray[np.uint64]:
    codes = np.zeros(stop - start, dtype=np.uint64)
    for block, lo, hi in _blocks(start, stop):
        base = block * BLOCK
        u = _block_uniforms(seed, block, len(model.rules))[:, lo - base : hi - base]
        codes[lo - start : hi - start] = _codes(model, u, forced)
    return codes


def _codes(
    model: ConditionModel, u: NDArray[np.float64], forced: Mapping[str, bool]
) -> NDArray[np.uint64]:
    """Pattern codes of the draws whose uniforms are the columns of ``u``."""
    values: dict[str, NDArray[np.bool_] | bool] = dict(model.fixed)
    codes = np.zeros(u.shape[1], dtype=np.uint64)
    for j, rule in enumerate(model.rules):
        drawn: NDArray[np.bool_] | bool
        if rule.condition in forced:
            drawn = forced[rule.condition]
        elif rule.given:
            holds: NDArray[np.bool_] | bool = True
            for other, wanted in rule.given:
                holds = np.logical_and(holds, np.equal(values[other], wanted))
            drawn = np.where(holds, u[j] < rule.p, u[j] < rule.otherwise)
        else:
            drawn = u[j] < rule.p
        values[rule.condition] = drawn
        if isinstance(drawn, np.ndarray):
            codes |= drawn.view(np.uint8).astype(np.uint64) << np.uint64(j)
        elif drawn:
            codes |= np.uint64(1) << np.uint64(j)
    return codes


class _Counts:
    """Running count of each pattern code: a dense array for few conditions, else sorted
    (code, count) arrays merged chunk by chunk. Integer counts: order-independent."""

    def __init__(self, bits: int) -> None:
        self.dense = np.zeros(1 << bits, dtype=np.int64) if bits <= BINCOUNT_MAX_BITS else None
        self.codes = np.zeros(0, dtype=np.uint64)
        self.counts = np.zeros(0, dtype=np.int64)

    def add(self, codes: NDArray[np.uint64]) -> None:
        """Count the codes of one chunk."""
        if self.dense is not None:
            self.dense += np.bincount(codes.astype(np.int64), minlength=self.dense.shape[0])
            return
        unique, counts = np.unique(codes, return_counts=True)
        merged = np.concatenate([self.codes, unique])
        weights = np.concatenate([self.counts, counts.astype(np.int64)])
        self.codes, inverse = np.unique(merged, return_inverse=True)
        self.counts = np.bincount(inverse, weights=weights).astype(np.int64)

    def result(self) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
        """Distinct codes seen (ascending) and their counts."""
        if self.dense is not None:
            nonzero = np.flatnonzero(self.dense)
            return nonzero.astype(np.uint64), self.dense[nonzero]
        return self.codes, self.counts


def _chunks(draws: int, chunk: int) -> Iterator[tuple[int, int]]:
    for start in range(0, draws, chunk):
        yield start, min(draws, start + chunk)


def check_draws(draws: object, what: str = "draws") -> int:
    """Validate a draw count: a whole number from 1 to :data:`~forcegen.limits.MAX_DRAWS`."""
    return check_count(what, draws, "MAX_DRAWS")


def check_workers(workers: object, what: str = "workers") -> int:
    """Validate a worker count: a whole number from 1 to :data:`~forcegen.limits.MAX_WORKERS`."""
    return check_count(what, workers, "MAX_WORKERS")


def check_seed(seed: object) -> int:
    """Validate a seed: a whole number of at least 0."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ForcegenError(f"seed must be a whole number of at least 0; got {seed!r}")
    return int(seed)


def sample_patterns(
    model: ConditionModel,
    draws: int,
    seed: int,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    forced: Mapping[str, bool] | None = None,
    progress: Progress | None = None,
) -> PatternTable:
    """Draw ``draws`` patterns with ``seed`` and count them.

    ``forced`` holds some free conditions at a value while keeping every other
    condition's random numbers (common random numbers, for sensitivity). The result is
    identical for any ``chunk_size`` and ``workers``.
    """
    draws = check_draws(draws)
    check_seed(seed)
    if chunk_size < 1:
        raise ForcegenError(f"chunk size must be at least 1; got {chunk_size}")
    workers = check_workers(workers)
    forced = dict(forced or {})
    totals = _Counts(len(model.rules))
    done = 0

    def work(bounds: tuple[int, int]) -> NDArray[np.uint64]:
        return _draw_chunk(model, seed, bounds[0], bounds[1], forced)

    def merge(codes: NDArray[np.uint64]) -> None:
        nonlocal done
        totals.add(codes)
        done += codes.shape[0]
        if progress is not None:
            progress(done, draws)

    if workers == 1:
        for bounds in _chunks(draws, chunk_size):
            merge(work(bounds))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for codes in pool.map(work, _chunks(draws, chunk_size)):
                merge(codes)
    codes, counts = totals.result()
    return PatternTable(codes, counts.astype(np.float64), float(draws), counts)


def enumerate_patterns(
    model: ConditionModel, forced: Mapping[str, bool] | None = None
) -> PatternTable:
    """Every combination of the free conditions with its exact probability.

    Combinations of probability zero are dropped.
    """
    bits = len(model.rules)
    if bits > MAX_EXACT_CONDITIONS:
        raise ForcegenError(
            f"exact enumeration takes at most {MAX_EXACT_CONDITIONS} free conditions; "
            f"this scenario leaves {bits} free (use Monte Carlo or fix some)"
        )
    codes = np.arange(1 << bits, dtype=np.uint64)
    weights = pattern_probability(model, codes, forced)
    keep = weights > 0
    return PatternTable(codes[keep], weights[keep], 1.0)


def pattern_probability(
    model: ConditionModel,
    codes: NDArray[np.uint64],
    forced: Mapping[str, bool] | None = None,
) -> NDArray[np.float64]:
    """The probability of each pattern in ``codes`` [probability], with the conditions
    in ``forced`` held to their values (a pattern that disagrees has probability 0)."""
    forced = dict(forced or {})
    weights = np.ones(codes.shape[0])
    for j, rule in enumerate(model.rules):
        if rule.condition in forced:
            weights = weights * np.equal(_bit(codes, j), forced[rule.condition])
            continue
        weights = weights * rule_factor(model, j, codes)
    return weights


def rule_factor(model: ConditionModel, j: int, codes: NDArray[np.uint64]) -> NDArray[np.float64]:
    """P of free condition ``j``'s value in each pattern of ``codes``, given the
    conditions its rule reads [probability]: one factor of :func:`pattern_probability`."""
    rule = model.rules[j]
    p: NDArray[np.float64] | float = rule.p
    if rule.given:
        holds: NDArray[np.bool_] | bool = True
        for other, wanted in rule.given:
            value = model.fixed[other] if other in model.fixed else _bit(codes, model.column(other))
            holds = np.logical_and(holds, np.equal(value, wanted))
        p = np.where(holds, rule.p, rule.otherwise)
    return np.where(_bit(codes, j), p, 1.0 - np.asarray(p))


def _bit(codes: NDArray[np.uint64], j: int) -> NDArray[np.bool_]:
    """Free condition ``j`` (sampling column) of each pattern code."""
    return ((codes >> np.uint64(j)) & np.uint64(1)).astype(bool)


def find_codes(
    table: NDArray[np.uint64], codes: NDArray[np.uint64]
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Where each of ``codes`` is in the ascending pattern codes ``table`` [index], and
    whether it is there at all (the index is meaningless where it is not)."""
    found = np.searchsorted(table, codes)
    inside = found < table.shape[0]
    known = np.zeros(codes.shape[0], dtype=bool)
    known[inside] = table[found[inside]] == codes[inside]
    return found, known
