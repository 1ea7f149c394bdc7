"""Safe by default (issue 16, item 4): loopback unless a token is given, read-only
without a token, bearer token for writes, bounded request bodies, security headers on
every response; ``forcegen serve`` refuses bad input before listening."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from forcegen.web import WebSettings, create_app
from forcegen.web.settings import is_loopback, loopback_names
from helpers.cli import cli


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def writable() -> Iterator[TestClient]:
    """Started with a token (no ledger: a write that passes the token gets 409)."""
    with TestClient(create_app(WebSettings(token="s3cret", max_body_bytes=1000))) as c:
        yield c


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def assert_secure(headers: Any) -> None:
    csp = headers["content-security-policy"]
    assert csp == CSP
    # only self: no other host, no wildcard, no inline or eval'd script
    assert "http" not in csp and "*" not in csp
    assert "unsafe-eval" not in csp
    assert "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/", 200),
        ("GET", "/static/app.js", 200),
        ("GET", "/static/vendor/no-such-file.js", 404),
        ("GET", "/api/run?scenario=ceasefire-only", 200),
        ("GET", "/api/run?scenario=nope", 422),  # forcegen's error
        ("GET", "/api/montecarlo?seed=-1", 422),  # FastAPI's validation
        ("GET", "/api/openapi.json", 200),
        ("GET", "/no-such-page", 404),
        ("POST", "/api/ledger/revisions", 403),  # read-only
        ("GET", "/api/boom", 500),
    ],
)
def test_every_response_carries_the_security_headers(
    client: TestClient, method: str, path: str, status: int
) -> None:
    if path == "/api/boom" and not any(
        getattr(r, "path", None) == "/api/boom"
        for r in client.app.routes  # type: ignore[attr-defined]
    ):

        def boom() -> None:
            raise RuntimeError("a bug")

        client.app.add_api_route("/api/boom", boom)  # type: ignore[attr-defined]
    response = client.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == status
    assert_secure(response.headers)


def test_it_binds_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert WebSettings().host == "127.0.0.1"
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append(kw))
    monkeypatch.delenv("FORCEGEN_TOKEN", raising=False)
    code, out, err = cli("serve")
    assert code == 0, err
    assert out == ""
    assert [(c["host"], c["port"]) for c in calls] == [("127.0.0.1", 8765)]


def test_is_loopback() -> None:
    assert [is_loopback(h) for h in ("127.0.0.1", "::1", "[::1]", "localhost", "127.1.2.3")] == [
        True
    ] * 5
    assert [is_loopback(h) for h in ("0.0.0.0", "192.168.1.2", "::", "example.org")] == [False] * 4


def test_a_non_loopback_host_needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append(kw))
    monkeypatch.delenv("FORCEGEN_TOKEN", raising=False)
    code, out, err = cli("serve", "--host", "0.0.0.0")
    assert (code, out) == (2, "")
    assert err == (
        "error: --host 0.0.0.0: refusing to serve beyond this machine without a token; "
        "give --token (or FORCEGEN_TOKEN), or keep --host 127.0.0.1\n"
    )
    assert calls == []
    # the token from the environment is enough
    monkeypatch.setenv("FORCEGEN_TOKEN", "s3cret-s3cret-s3cret")
    code, _, err = cli("serve", "--host", "0.0.0.0", "--port", "9000")
    assert code == 0, err
    assert [(c["host"], c["port"]) for c in calls] == [("0.0.0.0", 9000)]


def test_the_token_comes_from_the_option_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    apps: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: apps.append(app))
    monkeypatch.setenv("FORCEGEN_TOKEN", "from-the-environment")
    assert cli("serve").code == 0
    monkeypatch.delenv("FORCEGEN_TOKEN")
    assert cli("serve", "--token", "  from-the-option-here ").code == 0
    assert cli("serve").code == 0
    tokens = [app.state.settings.token for app in apps]
    assert tokens == ["from-the-environment", "from-the-option-here", None]


@pytest.mark.parametrize("token", ["   ", "short", " 15-characters! "])
def test_a_blank_or_short_token_is_refused(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    # a token of blanks would open the dashboard to the network with writes no one can make
    calls: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append(kw))
    code, out, err = cli("serve", "--host", "0.0.0.0", "--token", token)
    assert (code, out, calls) == (2, "", [])
    assert err.startswith("error: --token: ") and "expected at least 16" in err


def test_a_non_ascii_token_is_compared_not_crashed_on() -> None:
    token = "s3crét-s3crét-s3crét"
    with TestClient(create_app(WebSettings(token=token)), raise_server_exceptions=False) as c:
        for given, status in ((token, 409), ("s3cret-s3cret-s3cret", 401), ("é" * 20, 401)):
            r = c.post(
                "/api/ledger/revisions",
                json=BODY,
                headers={"Authorization": f"Bearer {given}".encode()},  # type: ignore[dict-item]
            )
            assert r.status_code == status, r.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-dataset"], "error: 1 problem in the workspace:\nno-such-dataset: "),
        (["--set", "foo"], "error: --set #1 'foo': no '=' between the path and the value"),
        (["--set", "nations.XXX.rotation_ratio=4"], "error: 1 problem in the workspace:"),
    ],
)
def test_serve_refuses_a_bad_workspace_before_listening(
    monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    calls: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append(kw))
    code, out, err = cli("serve", *args)
    assert (code, out) == (2, "")
    assert err.startswith(message), err
    expected = cli("run", *args, "--json").stderr  # the same message as any command's
    assert err == expected
    assert calls == []


def test_without_a_token_every_write_is_403(client: TestClient) -> None:
    r = client.post(
        "/api/ledger/revisions",
        json={"pledge": "p", "date": "2026-01-01", "author": "a"},
        headers={"Authorization": "Bearer anything"},
    )
    assert r.status_code == 403
    assert "read-only" in r.json()["detail"]


BODY = {"pledge": "p", "date": "2026-01-01", "author": "a"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "s3cret"},
        {"Authorization": "Basic s3cret"},
    ],
)
def test_a_write_without_the_right_token_is_401(
    writable: TestClient, headers: dict[str, str]
) -> None:
    r = writable.post("/api/ledger/revisions", json=BODY, headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert_secure(r.headers)


def test_a_write_with_the_right_token_passes(writable: TestClient) -> None:
    # past the token: this server has no ledger, so 409 (a ledger's 201 is in test_web_api)
    r = writable.post(
        "/api/ledger/revisions", json=BODY, headers={"Authorization": "Bearer s3cret"}
    )
    assert r.status_code == 409
    # reads need no token
    assert writable.get("/api/workspace").json()["read_only"] is False


def test_a_body_over_the_limit_is_413(writable: TestClient) -> None:
    # the limit is 1,000 bytes here; 1,001 declared by Content-Length
    r = writable.post(
        "/api/ledger/revisions",
        content=b"x" * 1001,
        headers={"Authorization": "Bearer s3cret", "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json() == {"detail": "request body too large: at most 1,000 bytes are accepted"}
    assert_secure(r.headers)


def test_a_chunked_body_over_the_limit_is_413(writable: TestClient) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:  # no Content-Length: 11 chunks of 100 bytes
        for _ in range(11):
            sent.append(100)
            yield b" " * 100

    r = writable.post(
        "/api/ledger/revisions",
        content=chunks(),
        headers={"Authorization": "Bearer s3cret", "Content-Type": "application/json"},
    )
    assert "content-length" not in r.request.headers
    assert r.request.headers["transfer-encoding"] == "chunked"
    assert r.status_code == 413
    assert_secure(r.headers)
    # at or under the limit the body goes through (to the 409 of a server without ledger)
    r = writable.post(
        "/api/ledger/revisions",
        content=iter([b'{"pledge": "p", ', b'"date": "2026-01-01", "author": "a"}']),
        headers={"Authorization": "Bearer s3cret", "Content-Type": "application/json"},
    )
    assert r.status_code == 409


def test_serve_on_loopback_answers_only_to_loopback_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    apps: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: apps.append(app))
    monkeypatch.setenv("FORCEGEN_TOKEN", "s3cret-s3cret-s3cret")
    assert cli("serve").code == 0
    assert cli("serve", "--host", "0.0.0.0").code == 0
    loopback, public = (app.state.settings.allowed_hosts for app in apps)
    assert set(loopback) == {"localhost", "127.0.0.1", "::1"}
    assert public == ()  # beyond loopback: any name (the token guards the writes)


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:8765", 200),
        ("localhost:8765", 200),
        ("localhost", 200),
        ("[::1]:8765", 200),
        ("attacker.example:8765", 400),  # DNS rebinding: a site's name re-pointed at us
        ("127.0.0.1.attacker.example", 400),
        ("", 400),
    ],
)
def test_a_request_for_another_host_name_is_400(host: str, status: int) -> None:
    settings = WebSettings(allowed_hosts=loopback_names("127.0.0.1"))
    with TestClient(create_app(settings)) as c:
        r = c.get("/api/workspace", headers={"Host": host})
    assert r.status_code == status
    assert_secure(r.headers)
    if status == 400:
        assert r.json()["detail"].startswith("unexpected Host header")
