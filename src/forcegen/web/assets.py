"""The scripts every page loads, in order, from ``static/``: the vendored Vega stack
(``static/vendor/VENDORED.md`` says where each comes from, its version and licence), then
the dashboard's own ``app.js``. ``templates/base.html`` loads them and ``forcegen report``
inlines the same files, so both draw charts the same way."""

from __future__ import annotations

VENDORED: tuple[str, ...] = (
    "vendor/vega-6.4.0.min.js",
    "vendor/vega-interpreter-2.3.2.js",
    "vendor/vega-lite-6.5.0.min.js",
    "vendor/vega-embed-7.3.0.min.js",
)
"""Vega, its CSP-safe expression interpreter, Vega-Lite and Vega-Embed [paths under static/]."""

SCRIPTS: tuple[str, ...] = (*VENDORED, "app.js")
"""Every script a page loads, in load order [paths under static/]."""
