"""Shapley effects of the free conditions on personnel: a sensitivity that adds up.

First-order variance shares ``Var(E[Y | X_i]) / Var(Y)`` of dependent conditions do not
add up to 1 (a condition that can only be true when another is shares that one's
variance, and both are credited with it). Shapley effects share the variance out fairly
instead (Owen 2014, "Sobol' indices and Shapley value"; Song, Nelson & Staum 2016,
"Shapley effects for global sensitivity analysis: theory and computation"): with the
value of a set S of conditions

    c(S) = Var(E[Y | X_S])        (c(empty) = 0, c(all) = Var(Y))

the effect of condition i is its average marginal value over the orders in which the
conditions can be revealed,

    Sh_i = sum over S not holding i of |S|! (d - |S| - 1)! / d! (c(S + i) - c(S)),

so the effects sum to Var(Y), dependent conditions included, and none is negative
(``c`` only grows as conditions are added).

Y is the personnel [persons] of a pattern (the truth values of the d free conditions,
bit j of the code = the j-th free condition); the joint distribution is the pattern
table (distinct codes with their weights). ``c(S)`` groups the patterns on the bits of
S: E[Y | X_S] is each group's weighted mean, and c(S) the weighted variance of those
means. Up to :data:`EXACT_MAX_CONDITIONS` conditions every subset is valued (all at
once, in O(d 3^d) vectorised work) and the formula is exact; beyond, the effects are
estimated from random orders (Castro, Gomez & Tejada 2009; Song, Nelson & Staum 2016,
algorithm 1 with exact values of c) with standard errors: batches of
:data:`PERMUTATION_BATCH` orders until every share's standard error is at most
:data:`SHARE_STDERR_TARGET`, or :data:`PERMUTATIONS` orders.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from math import comb
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.odds.statistics import fdot
from forcegen.engine.tolerances import PERSONS

EXACT_MAX_CONDITIONS = 12
"""Up to this many free conditions the Shapley effects are computed exactly [conditions]."""

PERMUTATIONS = 1_000
"""Most random orders of the conditions drawn beyond :data:`EXACT_MAX_CONDITIONS` [orders]."""

PERMUTATION_BATCH = 100
"""Random orders drawn between two checks of the standard errors [orders]; also the
fewest drawn."""

SHARE_STDERR_TARGET = 0.002
"""Random orders stop once every share's standard error is at most this [0-1]
(0.2 percentage points), or at :data:`PERMUTATIONS`."""

MAX_SHAPLEY_THREADS = 8
"""Most threads the random orders are spread over [threads]."""

SEED_TAG = (0x5348, 0x4150)
"""Spawn key of the random orders: ``SeedSequence(seed, spawn_key=SEED_TAG)``, a stream
apart from the sampling blocks (whose spawn keys have one element)."""

Method = Literal["exact", "permutation"]


@dataclass(frozen=True)
class ShapleyEffects:
    """Shapley effects of the free conditions on personnel.

    ``effects`` and ``stderr`` are in persons squared (their sum is ``variance``, the
    variance of personnel); ``stderr`` is the standard error of a permutation estimate
    (0 when exact). ``permutations`` is 0 when exact.
    """

    conditions: tuple[str, ...]
    effects: tuple[float, ...]
    stderr: tuple[float, ...]
    variance: float
    method: Method
    permutations: int

    @property
    def varies(self) -> bool:
        """Whether personnel varies at all (a standard deviation above PERSONS)."""
        return self.variance > PERSONS**2

    @property
    def shares(self) -> dict[str, float]:
        """Each condition's share of the variance of personnel [0-1]; they sum to 1, or
        are all 0 when personnel does not vary."""
        if not self.varies:
            return dict.fromkeys(self.conditions, 0.0)
        return {c: e / self.variance for c, e in zip(self.conditions, self.effects, strict=True)}

    @property
    def share_stderr(self) -> dict[str, float]:
        """Standard error of each share [0-1] (0 when exact or when nothing varies)."""
        if not self.varies:
            return dict.fromkeys(self.conditions, 0.0)
        return {c: s / self.variance for c, s in zip(self.conditions, self.stderr, strict=True)}

    def describe(self) -> str:
        """One sentence on how the effects were computed."""
        if not self.varies:
            return "personnel does not vary: every Shapley share is 0"
        d = len(self.conditions)
        conditions = "1 free condition" if d == 1 else f"{d:,} free conditions"
        if self.method == "exact":
            return f"Shapley effects by exact enumeration of the {2**d:,} subsets of {conditions}"
        return (
            f"Shapley effects estimated from {self.permutations:,} random orders of "
            f"{conditions} (more than {EXACT_MAX_CONDITIONS}), with standard errors "
            f"(orders drawn until every share's is at most {100 * SHARE_STDERR_TARGET:g} "
            f"percentage points, or {PERMUTATIONS:,})"
        )


def _centred(
    codes: NDArray[np.uint64], values: NDArray[np.generic], weights: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Probabilities, centred values [persons] and the variance [persons^2]."""
    if codes.shape != values.shape or codes.shape != weights.shape:
        raise ValueError("codes, values and weights must have one entry per pattern")
    p = np.asarray(weights, dtype=np.float64)
    total = float(p.sum())
    if total <= 0:
        raise ValueError("pattern weights must sum to more than 0")
    p = p / total
    y = np.asarray(values, dtype=np.float64)
    y = y - float(fdot(p, y))
    return p, y, float(fdot(p, y * y))


def subset_values(
    codes: NDArray[np.uint64],
    values: NDArray[np.generic],
    weights: NDArray[np.float64],
    bits: int,
) -> NDArray[np.float64]:
    """``c(S) = Var(E[Y | X_S])`` [persons^2] of every subset S of ``bits`` conditions,
    indexed by the mask of S (bit j set = condition j in S).

    Patterns (``codes`` < 2**bits, ``values`` Y, ``weights`` any positive scale) are
    laid out on a (2,)*bits grid of probability and of p*(Y - E[Y]); a ternary transform
    adds, per condition, a third slot "summed over" (the marginal), so cell (t_1..t_d)
    of the 3^bits grid holds the group whose conditions in S take the values t_j and the
    others are summed. c(S) is the sum over the groups of S of (sum p y)^2 / (sum p).
    """
    if bits > EXACT_MAX_CONDITIONS + 4:
        raise ValueError(f"subset_values holds 3**bits cells; {bits} conditions are too many")
    p, y, _ = _centred(codes, values, weights)
    size = 1 << bits
    index = codes.astype(np.int64)
    if index.size and (index.min() < 0 or index.max() >= size):
        raise ValueError(f"pattern codes must be below 2**{bits}")
    shape = (2,) * bits
    mass = np.bincount(index, weights=p, minlength=size).reshape(shape)
    moment = np.bincount(index, weights=p * y, minlength=size).reshape(shape)
    # C order: axis a is bit (bits - 1 - a)
    for axis in range(bits):
        mass = np.concatenate([mass, mass.sum(axis=axis, keepdims=True)], axis=axis)
        moment = np.concatenate([moment, moment.sum(axis=axis, keepdims=True)], axis=axis)
    terms: NDArray[np.float64] = np.zeros(mass.shape)
    np.divide(moment * moment, mass, out=terms, where=mass > 0)
    # per axis: slot 1 = the condition is in S (its values 0 and 1 summed), 0 = summed out
    for axis in range(bits):
        kept = np.take(terms, [0], axis=axis) + np.take(terms, [1], axis=axis)
        summed = np.take(terms, [2], axis=axis)
        terms = np.concatenate([summed, kept], axis=axis)
    return terms.reshape(size)


def _popcount(masks: NDArray[np.int64], bits: int) -> NDArray[np.int64]:
    """Number of set bits of each mask (np.bitwise_count needs numpy 2)."""
    count = np.zeros(masks.shape, dtype=np.int64)
    for j in range(bits):
        count += (masks >> j) & 1
    return count


def exact_effects(values: NDArray[np.float64], bits: int) -> NDArray[np.float64]:
    """Shapley effects [persons^2] from the value of every subset (:func:`subset_values`)."""
    masks = np.arange(1 << bits, dtype=np.int64)
    size = _popcount(masks, bits)
    # |S|! (d - |S| - 1)! / d! = 1 / (d * C(d - 1, |S|))
    weight = np.array([1.0 / (bits * comb(bits - 1, k)) for k in range(bits)] + [0.0])
    effects = np.zeros(bits)
    for j in range(bits):
        bit = 1 << j
        without = masks[(masks & bit) == 0]
        gain = values[without | bit] - values[without]
        effects[j] = float(fdot(weight[size[without]], gain))
    return effects


def _order_tables(
    order: NDArray[np.int64], bits: int, dtype: type[np.unsignedinteger[Any]]
) -> list[NDArray[np.unsignedinteger[Any]]]:
    """Per byte of a code, the 256 values it maps to when condition ``order[s]`` becomes
    bit ``bits - 1 - s`` (the first revealed condition the most significant bit)."""
    rank = np.empty(bits, dtype=np.int64)
    rank[order] = np.arange(bits)
    byte = np.arange(256, dtype=np.uint64)
    tables = []
    for first in range(0, bits, 8):
        table = np.zeros(256, dtype=np.uint64)
        for j in range(first, min(first + 8, bits)):
            bit = (byte >> np.uint64(j - first)) & np.uint64(1)
            table |= bit << np.uint64(bits - 1 - int(rank[j]))
        tables.append(table.astype(dtype))
    return tables


def _highest_bit(x: NDArray[np.unsignedinteger]) -> NDArray[np.int64]:
    """Index of the highest set bit of each value (-1 for 0); exact for 64-bit values
    (each 32-bit half is exact in a float64)."""
    if x.dtype == np.uint32:
        return np.frexp(x.astype(np.float64))[1].astype(np.int64) - 1
    high = (x >> np.uint64(32)).astype(np.float64)
    low = (x & np.uint64(0xFFFFFFFF)).astype(np.float64)
    return np.where(high > 0, np.frexp(high)[1] + 31, np.frexp(low)[1] - 1).astype(np.int64)


def _order_credits(
    codes: NDArray[np.unsignedinteger[Any]],
    mass_moment: NDArray[np.complex128],
    bits: int,
    order: NDArray[np.int64],
    whole_mass: bool,
) -> NDArray[np.float64]:
    """Each condition's credit c(before + it) - c(before) in one order [units of
    ``mass_moment``: mass x persons^2].

    ``mass_moment`` holds each pattern's mass (real part) and mass x centred personnel
    (imaginary part). The codes are rewritten with the order's first condition as the
    most significant bit and sorted: the groups of the first k conditions are then runs
    of equal top k bits, and a run boundary between two neighbours appears at the step
    of the highest bit in which they differ. c of a step is the sum over its runs of
    (sum of moments)^2 / (sum of masses). With ``whole_mass`` (masses are whole numbers,
    their total below 2^53: draw counts) the runs' sums are differences of prefix sums,
    exact for the masses; otherwise (probabilities, which can be 1e-17 next to a prefix
    of 1, below the prefix's rounding) each run is summed on its own.
    """
    dtype = codes.dtype.type
    tables = _order_tables(order, bits, dtype)
    keyed = tables[0][codes & dtype(255)]
    for i in range(1, len(tables)):
        keyed |= tables[i][(codes >> dtype(8 * i)) & dtype(255)]
    sort = np.argsort(keyed)
    keyed = keyed[sort]
    n = codes.shape[0]
    ordered = mass_moment[sort]
    prefix = np.zeros(n + 1, dtype=np.complex128)
    if whole_mass:
        np.cumsum(ordered, out=prefix[1:])
    # boundary before sorted position i (1..n-1) appears at this step (bits + 1: never,
    # equal codes)
    step = (bits - _highest_bit(keyed[1:] ^ keyed[:-1])).astype(np.uint8)
    count = np.bincount(step, minlength=bits + 2)
    through = np.cumsum(count)
    by_step: NDArray[np.int64] | None = None
    credits = np.zeros(bits)
    before = 0.0
    for k in range(1, bits + 1):
        if count[k] == 0:
            continue  # no group splits: the condition adds nothing in this order
        if through[k] < n // 32:  # few boundaries: sort them rather than scan every one
            if by_step is None:
                by_step = np.argsort(step, kind="stable")
            bounds = np.sort(by_step[: through[k]]) + 1
        else:
            bounds = np.flatnonzero(step <= k) + 1
        ends = np.empty(bounds.shape[0] + 2, dtype=np.int64)
        ends[0], ends[-1] = 0, n
        ends[1:-1] = bounds
        runs = np.diff(prefix[ends]) if whole_mass else np.add.reduceat(ordered, ends[:-1])
        mass, moment = runs.real, runs.imag
        value = float(
            np.sum(np.divide(moment * moment, mass, where=mass > 0, out=np.zeros(mass.shape)))
        )
        credits[order[k - 1]] = value - before
        before = value
        if through[k] >= n - 1:
            break  # every pattern alone: the rest add nothing
    return credits


def permutation_effects(
    codes: NDArray[np.uint64],
    values: NDArray[np.generic],
    weights: NDArray[np.float64],
    bits: int,
    seed: int,
    *,
    permutations: int = PERMUTATIONS,
    stderr_target: float = SHARE_STDERR_TARGET,
    threads: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
    """Shapley effects [persons^2], their standard errors [persons^2] and the number of
    random orders used.

    Orders are drawn from ``SeedSequence(seed, spawn_key=SEED_TAG)`` in batches of
    :data:`PERMUTATION_BATCH`; after each batch, the estimate stops when every share's
    standard error is at most ``stderr_target`` [0-1], or at ``permutations`` orders.
    In each order the conditions are revealed one at a time and each is credited
    c(before + it) - c(before), computed exactly on the pattern table
    (:func:`_order_credits`: one sort of the patterns per order, the groups as runs).
    Once every pattern is a group of its own, c = Var(Y) for every larger set and the
    conditions still to come get 0. The estimate is the mean credit over the orders, its
    standard error the sample standard deviation over sqrt(orders). Every order's
    credits sum to Var(Y), so the estimates do too. Deterministic for the same inputs
    and seed, bit for bit whatever ``threads`` (the orders of a batch are computed on
    that many threads; None: the CPUs this process may use, at most
    :data:`MAX_SHAPLEY_THREADS`).
    """
    if permutations < 2:
        raise ValueError(f"a standard error needs at least 2 permutations; got {permutations}")
    if bits > 64:
        raise ValueError(f"pattern codes hold at most 64 conditions; got {bits}")
    p, y, variance = _centred(codes, values, weights)
    mass = np.asarray(weights, dtype=np.float64)
    whole_mass = bool(np.all(mass == np.rint(mass))) and float(mass.sum()) < 2.0**53
    if not whole_mass:
        mass = p
    total = float(mass.sum())
    mass_moment = mass + 1j * (mass * y)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=SEED_TAG)))
    keyed: NDArray[np.unsignedinteger[Any]] = codes.astype(np.uint32 if bits <= 32 else np.uint64)
    credits = np.zeros((permutations, bits))

    def one(order: NDArray[np.int64]) -> NDArray[np.float64]:
        return _order_credits(keyed, mass_moment, bits, order, whole_mass) / total

    used = 0
    pool = ThreadPoolExecutor(max(1, threads or _cpus()))
    try:
        while used < permutations:
            batch = [
                rng.permutation(bits) for _ in range(min(PERMUTATION_BATCH, permutations - used))
            ]
            # each order on its own (NumPy releases the GIL in its sorts and gathers), in
            # the order drawn: the same credits whatever the number of threads
            for k, row in enumerate(pool.map(one, batch), start=used):
                credits[k] = row
            used += len(batch)
            stderr = credits[:used].std(axis=0, ddof=1) / np.sqrt(used)
            if variance > 0 and float(stderr.max()) <= stderr_target * variance:
                break
    finally:  # on Ctrl-C, the orders not started are dropped, not waited for
        pool.shutdown(wait=True, cancel_futures=True)
    return credits[:used].mean(axis=0), stderr, used


def _cpus() -> int:
    """CPUs this process may run on (its affinity where the system says), at most
    :data:`MAX_SHAPLEY_THREADS`."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        count = os.cpu_count() or 1
    return max(1, min(count, MAX_SHAPLEY_THREADS))


def shapley_effects(
    codes: NDArray[np.uint64],
    values: NDArray[np.generic],
    weights: NDArray[np.float64],
    conditions: tuple[str, ...],
    *,
    seed: int = 0,
    exact_max: int = EXACT_MAX_CONDITIONS,
    permutations: int = PERMUTATIONS,
    stderr_target: float = SHARE_STDERR_TARGET,
) -> ShapleyEffects:
    """Shapley effects of ``conditions`` (bit j of a code = ``conditions[j]``) on the
    values Y [persons] of the patterns ``codes`` weighted by ``weights`` (draw counts or
    probabilities).

    Exact up to ``exact_max`` conditions, else estimated from random orders seeded by
    ``seed`` until every share's standard error is at most ``stderr_target`` [0-1] or
    ``permutations`` orders are drawn (:func:`permutation_effects`); deterministic for
    the same inputs and seed.
    """
    bits = len(conditions)
    _, _, variance = _centred(codes, values, weights)
    zeros = (0.0,) * bits
    method: Method = "exact" if bits <= exact_max else "permutation"
    if bits == 0 or variance <= PERSONS**2:
        return ShapleyEffects(conditions, zeros, zeros, variance, method, 0)
    if method == "exact":
        effects = exact_effects(subset_values(codes, values, weights, bits), bits)
        return ShapleyEffects(
            conditions, tuple(float(e) for e in effects), zeros, variance, method, 0
        )
    effects, stderr, used = permutation_effects(
        codes,
        values,
        weights,
        bits,
        seed,
        permutations=permutations,
        stderr_target=stderr_target,
    )
    return ShapleyEffects(
        conditions,
        tuple(float(e) for e in effects),
        tuple(float(s) for s in stderr),
        variance,
        method,
        used,
    )
