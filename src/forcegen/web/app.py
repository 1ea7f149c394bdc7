"""The FastAPI application: pages, the JSON API under ``/api/``, the static assets."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

import forcegen
from forcegen.web.security import SecurityMiddleware
from forcegen.web.settings import WebSettings
from forcegen.web.state import WorkspaceState

PACKAGE = Path(str(files("forcegen.web")))
STATIC = PACKAGE / "static"
TEMPLATES = PACKAGE / "templates"


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The app for ``settings`` (default: the built-in dataset, read-only). Loads the
    workspace once, before serving: a bad workspace raises here, as the CLI would."""
    from forcegen.web import api, pages, whatif

    settings = settings or WebSettings()
    app = FastAPI(
        title="forcegen",
        version=forcegen.__version__,
        description="The forcegen JSON API: the same documents as the CLI's --json "
        "(docs/json.md), and the dashboard's pages.",
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN: not served
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.workspace = WorkspaceState(settings)
    app.add_exception_handler(forcegen.ForcegenError, _user_error)
    app.include_router(api.router)
    app.include_router(whatif.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityMiddleware, max_body_bytes=settings.max_body_bytes)
    return app


async def _user_error(request: Request, exc: Exception) -> JSONResponse:
    """A bad parameter (unknown scenario, bad override, out-of-range count): 422 with the
    message the CLI prints after ``error:``."""
    return JSONResponse(status_code=422, content={"detail": str(exc)})
