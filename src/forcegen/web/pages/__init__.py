"""The dashboard's pages, rendered on the server from the same results as the API (Jinja2
templates in ``templates/``); charts are Vega-Lite specs (:mod:`forcegen.web.charts`)
drawn in the browser by the vendored Vega, every chart with its table.

Each page asks the public API one or two questions (``forcegen.evaluate_all``,
``monte_carlo``, ``source_requirement``, ``sustainment``, ``deploy``, ``timeline``,
``compare``, ``compare_postures``/``posture``, ``supply``) and keeps the answers in the
app's result cache, keyed by the question. Nation colours and chart captions are the
matplotlib charts' (:mod:`forcegen.plots.style`, which needs no matplotlib to import).
Numbers are printed with the CLI's rounding; every number cell carries the raw figure
in ``data-value``.

One module per page (the route and its sections); :mod:`.common` holds the router,
the templates, ``PAGES`` and the helpers every page uses.
"""

from forcegen.web.pages import (  # noqa: F401  (registers the routes)
    compare,
    deployment,
    explorer,
    odds,
    overview,
    posture,
    sourcing,
    supply,
    sustainment,
    timeline,
)
from forcegen.web.pages.common import PAGES, router, validation_error

__all__ = ["PAGES", "router", "validation_error"]
