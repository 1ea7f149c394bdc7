"""Safe by default: security headers on every response, a bounded request body, and the
bearer token that writes need."""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException, Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
        b"base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
"""Sent with every response. Vega renders with its own (self-hosted) scripts; inline
styles are allowed because Vega and Vega-Embed set element styles."""


class SecurityMiddleware:
    """ASGI middleware: adds :data:`SECURITY_HEADERS` to every HTTP response and refuses a
    request body larger than ``max_body_bytes`` with 413, by its Content-Length before the
    app runs, or while it streams in (a chunked body has none): then the 413 is sent at
    once, the app reads a disconnect, and whatever it answers is dropped."""

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, allowed_hosts: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False  # a response has begun (the app's, or our 413)
        refused = False  # the body passed the limit: the 413 is ours, the app is muted

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in _NAMES
                ] + list(SECURITY_HEADERS)
            await send(message)

        headers = dict(scope.get("headers") or [])
        if self.allowed_hosts and _hostname(headers.get(b"host", b"")) not in self.allowed_hosts:
            names = ", ".join(sorted(self.allowed_hosts))
            await _refuse(
                send_with_headers,
                400,
                f"unexpected Host header: this server answers only as {names} "
                "(a page from another site must not reach it)",
            )
            return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await _too_large(send_with_headers, self.max_body_bytes)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    if not started:
                        await _too_large(send_with_headers, self.max_body_bytes)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, bounded_receive, send_with_headers)
        except Exception:
            if not refused:  # the app's own failure: let the server log it
                raise


_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)


def _hostname(host: bytes) -> str:
    """The name in a ``Host`` header, without the port: ``[::1]:8765`` -> ``::1``."""
    text = host.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1:].partition("]")[0]
    return text.rpartition(":")[0] if text.count(":") == 1 else text


async def _too_large(send: Send, limit: int) -> None:
    await _refuse(send, 413, f"request body too large: at most {limit:,} bytes are accepted")


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def require_token(request: Request) -> None:
    """FastAPI dependency for writes: the app was started with a token, and the request
    carries it as ``Authorization: Bearer <token>`` (compared in constant time)."""
    token: str | None = request.app.state.settings.token
    if not token:
        raise HTTPException(
            status_code=403,
            detail="the dashboard is read-only: start it with --token (or FORCEGEN_TOKEN) "
            "to allow writes",
        )
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    # compared as bytes (compare_digest refuses str with non-ASCII characters): the header
    # as it came (Starlette decodes header bytes as Latin-1) against the token in UTF-8
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        value.strip().encode("latin-1"), token.encode("utf-8")
    ):
        raise HTTPException(
            status_code=401,
            detail="writes need 'Authorization: Bearer <token>' with the server's token",
            headers={"WWW-Authenticate": "Bearer"},
        )
