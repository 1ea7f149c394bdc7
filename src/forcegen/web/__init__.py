"""The web dashboard and JSON API behind ``forcegen serve`` (FastAPI, Jinja2, Vega-Lite).

A front end like the CLI: it imports only :mod:`forcegen` (the public API), serves each
result's ``to_json()`` under ``/api/`` through :func:`forcegen.json_document` (the same
document ``--json`` prints) and renders pages from the same results; every script, style
and map shape comes from the package (``static/``), nothing from another host.
"""

from forcegen.web.app import create_app
from forcegen.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
