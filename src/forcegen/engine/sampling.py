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

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.condition_model import ConditionModel
from forcegen.errors import ForcegenError

BLOCK = 1 << 16
"""Draws per random-number block [draws]."""

DEFAULT_CHUNK = 1 << 20
"""Draws processed at once by default [draws]; memory is O(chunk x free conditions)."""

BINCOUNT_MAX_BITS = 22
"""Up to this many free conditions, patterns are counted in a dense array."""

MAX_EXACT_CONDITIONS = 20
"""Most free conditions exact enumeration accepts (2^20 combinations)."""

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


def _block_uniforms(seed: int, block: int, columns: int) -> NDArray[np.float32]:
    """Uniforms [0, 1) of one block: one row per condition column, BLOCK draws each."""
    sequence = np.random.SeedSequence(seed, spawn_key=(block,))
    generator = np.random.Generator(np.random.PCG64(sequence))
    return generator.random((columns, BLOCK), dtype=np.float32)


def uniforms(seed: int, start: int, stop: int, columns: int) -> NDArray[np.float32]:
    """Uniforms for draws ``start`` to ``stop`` (excluded): shape (columns, draws)."""
    out = np.empty((columns, stop - start), dtype=np.float32)
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
    model: ConditionModel, u: NDArray[np.float32], forced: Mapping[str, bool]
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


def _count(codes: NDArray[np.uint64], bits: int) -> dict[int, int]:
    if bits <= BINCOUNT_MAX_BITS:
        dense = np.bincount(codes.astype(np.int64), minlength=1 << bits)
        nonzero = np.flatnonzero(dense)
        return dict(zip(nonzero.tolist(), dense[nonzero].tolist(), strict=True))
    unique, counts = np.unique(codes, return_counts=True)
    return dict(zip(unique.tolist(), counts.tolist(), strict=True))


def _chunks(draws: int, chunk: int) -> Iterator[tuple[int, int]]:
    for start in range(0, draws, chunk):
        yield start, min(draws, start + chunk)


def check_draws(draws: object) -> int:
    """Validate a draw count: a whole number of at least 1."""
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise ForcegenError(f"draws must be a whole number of at least 1; got {draws!r}")
    return int(draws)


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
    if chunk_size < 1:
        raise ForcegenError(f"chunk size must be at least 1; got {chunk_size}")
    if workers < 1:
        raise ForcegenError(f"workers must be at least 1; got {workers}")
    forced = dict(forced or {})
    bits = len(model.rules)
    totals: dict[int, int] = {}
    done = 0

    def work(bounds: tuple[int, int]) -> tuple[int, dict[int, int]]:
        start, stop = bounds
        return stop - start, _count(_draw_chunk(model, seed, start, stop, forced), bits)

    def merge(n: int, counts: dict[int, int]) -> None:
        nonlocal done
        for code, count in counts.items():
            totals[code] = totals.get(code, 0) + count
        done += n
        if progress is not None:
            progress(done, draws)

    if workers == 1:
        for bounds in _chunks(draws, chunk_size):
            merge(*work(bounds))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for n, counts in pool.map(work, _chunks(draws, chunk_size)):
                merge(n, counts)
    codes = np.array(sorted(totals), dtype=np.uint64)
    counts_arr = np.array([totals[int(c)] for c in codes], dtype=np.int64)
    return PatternTable(codes, counts_arr.astype(np.float64), float(draws), counts_arr)


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
    forced = dict(forced or {})
    codes = np.arange(1 << bits, dtype=np.uint64)
    values = pattern_values(model, codes)
    weights = np.ones(codes.shape[0])
    for rule in model.rules:
        bit = values[rule.condition]
        if rule.condition in forced:
            weights = weights * np.equal(bit, forced[rule.condition])
            continue
        p: NDArray[np.float64] | float = rule.p
        if rule.given:
            holds: NDArray[np.bool_] | bool = True
            for other, wanted in rule.given:
                holds = np.logical_and(holds, np.equal(values[other], wanted))
            p = np.where(holds, rule.p, rule.otherwise)
        weights = weights * np.where(bit, p, 1.0 - np.asarray(p))
    keep = weights > 0
    return PatternTable(codes[keep], weights[keep], 1.0)
