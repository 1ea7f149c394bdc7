"""The FastAPI application: pages, the JSON API under ``/api/``, the static assets."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

import forcegen
from forcegen.web.security import ASGIApp, SecurityMiddleware
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
    app = _App(
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
    # a page's unreadable parameter: the HTML error page, not FastAPI's JSON
    app.add_exception_handler(RequestValidationError, pages.validation_error)
    app.include_router(api.router)
    app.include_router(whatif.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


class _App(FastAPI):
    """FastAPI with :class:`SecurityMiddleware` outside every other layer, so that its
    headers are on every response, the 500 of Starlette's error middleware included (a
    middleware added with ``add_middleware`` sits inside that one)."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: WebSettings = self.state.settings
        return SecurityMiddleware(
            super().build_middleware_stack(),
            settings.max_body_bytes,
            allowed_hosts=settings.allowed_hosts,
        )


def user_message(exc: Exception) -> str:
    """The message the CLI prints after ``error: `` for one of forcegen's errors: a
    workspace's problems counted and listed one a line, else the error's text."""
    if isinstance(exc, forcegen.WorkspaceError):
        count = len(exc.issues)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the workspace:"]
        lines += [issue.render() for issue in exc.issues]
        return "\n".join(lines)
    return str(exc)


async def _user_error(request: Request, exc: Exception) -> JSONResponse:
    """A bad parameter (unknown scenario, bad override, out-of-range count): 422 with the
    message the CLI prints after ``error:``."""
    return JSONResponse(status_code=422, content={"detail": user_message(exc)})
