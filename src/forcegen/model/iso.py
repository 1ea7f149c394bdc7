"""ISO 3166-1 alpha-3 country codes, from the ``pycountry`` registry package (offline)."""

from __future__ import annotations

from functools import cache


@cache
def _codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


def is_iso3(code: str) -> bool:
    """True when ``code`` is an assigned ISO 3166-1 alpha-3 code."""
    return code in _codes()
