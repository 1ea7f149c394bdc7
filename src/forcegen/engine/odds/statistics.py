"""Summary statistics of a weighted discrete distribution (patterns and their weights)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from forcegen.engine.tolerances import PROBABILITY

QUANTILES = (0.05, 0.50, 0.95)
HISTOGRAM_BINS = 20


def fdot(a: Any, b: Any) -> float:
    """The dot product of two float vectors, correctly rounded (``math.fsum`` of the
    element-wise products): the same bits on every machine, where ``np.dot`` goes through
    BLAS kernels whose summation order depends on the CPU (the last digits of a Monte
    Carlo result would differ between a laptop and CI)."""
    return math.fsum(np.multiply(a, b, dtype=np.float64).tolist())


@dataclass(frozen=True)
class Distribution:
    """Mean, Monte Carlo standard error of the mean (0 when exact), 5/50/95 % quantiles
    and a histogram (bin edges, probability mass per bin) of one quantity."""

    mean: float
    stderr: float
    p05: float
    p50: float
    p95: float
    edges: tuple[float, ...] = ()
    mass: tuple[float, ...] = ()

    def to_json(self) -> dict[str, float]:
        """``{"mean", "stderr", "p05", "p50", "p95"}``."""
        return {
            "mean": self.mean,
            "stderr": self.stderr,
            "p05": self.p05,
            "p50": self.p50,
            "p95": self.p95,
        }


@dataclass(frozen=True)
class Probability:
    """A probability [0-1] with its Monte Carlo standard error (0 when exact)."""

    p: float
    stderr: float


def quantiles(
    values: NDArray[np.floating] | NDArray[np.integer],
    weights: NDArray[np.float64],
    total: float,
    qs: tuple[float, ...] = QUANTILES,
) -> tuple[float, ...]:
    """Inverted-CDF quantiles: for each q, the smallest value whose cumulative weight
    reaches q x total."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    cumulative = np.cumsum(weights[order])
    out = []
    for q in qs:
        index = int(np.searchsorted(cumulative, q * total * (1 - PROBABILITY), side="left"))
        out.append(float(ordered[min(index, len(order) - 1)]))
    return tuple(out)


def distribution(
    values: NDArray[np.floating] | NDArray[np.integer],
    weights: NDArray[np.float64],
    total: float,
    draws: int | None,
    histogram: bool = False,
    upper: float | None = None,
) -> Distribution:
    """Summarise ``values`` weighted by ``weights`` (summing to ``total``).

    ``draws`` is the Monte Carlo sample size (None for exact enumeration: stderr 0).
    The histogram spans 0 to ``upper`` (default: the largest value) in equal bins.
    """
    x = np.asarray(values, dtype=np.float64)
    mean = float(fdot(weights, x) / total)
    variance = float(fdot(weights, (x - mean) ** 2) / total)
    stderr = float(np.sqrt(variance / draws)) if draws else 0.0
    p05, p50, p95 = quantiles(x, weights, total)
    edges: tuple[float, ...] = ()
    mass: tuple[float, ...] = ()
    if histogram:
        top = float(upper if upper is not None else (x.max() if x.size else 0.0)) or 1.0
        bins = np.linspace(0.0, top, HISTOGRAM_BINS + 1)
        counts, _ = np.histogram(np.clip(x, 0.0, top), bins=bins, weights=weights)
        edges = tuple(float(e) for e in bins)
        mass = tuple(float(c) for c in counts / total)
    return Distribution(mean, stderr, p05, p50, p95, edges, mass)


def probability(
    indicator: NDArray[np.bool_],
    weights: NDArray[np.float64],
    total: float,
    draws: int | None,
) -> Probability:
    """P(indicator) with the standard error sqrt(p (1 - p) / draws) (0 when exact)."""
    p = float(fdot(weights, indicator.astype(np.float64)) / total)
    stderr = float(np.sqrt(max(p * (1 - p), 0.0) / draws)) if draws else 0.0
    return Probability(p, stderr)


def first_order_share(
    indicator: NDArray[np.bool_],
    values: NDArray[np.floating] | NDArray[np.integer],
    weights: NDArray[np.float64],
    total: float,
) -> float:
    """Var(E[Y | X]) / Var(Y) for a binary X: the first-order (Sobol) variance share."""
    y = np.asarray(values, dtype=np.float64)
    mean = float(fdot(weights, y) / total)
    variance = float(fdot(weights, (y - mean) ** 2) / total)
    if variance <= 0:
        return 0.0
    share = 0.0
    for side in (indicator, ~indicator):
        w = float(weights[side].sum())
        if w <= 0:
            continue
        conditional = float(fdot(weights[side], y[side]) / w)
        share += (w / total) * (conditional - mean) ** 2
    return share / variance
