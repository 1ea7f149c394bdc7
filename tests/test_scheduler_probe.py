"""sweep --scheduler: an address that is not a Dask scheduler is refused within the
timeout, with what happened, before distributed.Client is trusted with it."""

from __future__ import annotations

import http.server
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import msgpack  # type: ignore[import-untyped]
import pytest

import forcegen
from forcegen.engine.odds import scheduler as probe_module
from forcegen.engine.odds.cluster import dask_client
from forcegen.engine.odds.scheduler import (
    SchedulerAddressError,
    SchedulerUnreachable,
    probe_scheduler,
    tcp_address,
)
from forcegen.engine.odds.sweep import SweepAxis, run_sweep
from helpers.cli import cli
from helpers.data import SMALL


@contextmanager
def tcp_server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A server on a free loopback port calling ``handle`` on each connection (in a
    thread); yields its address."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn, suppress(OSError):  # OSError: the probe hung up first
                handle(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=10)
        listener.close()


def sends(data: bytes, then_wait: float = 2.0) -> Callable[[socket.socket], None]:
    def handle(conn: socket.socket) -> None:
        conn.sendall(data)
        time.sleep(then_wait)

    return handle


def handshake(message: object) -> bytes:
    """A first message framed as distributed.comm.tcp frames it."""
    frame = msgpack.packb(message)
    body = struct.pack("<QQ", 1, len(frame)) + frame
    return struct.pack("<Q", len(body)) + body


DASK_HELLO = {"compression": None, "python": [3, 11, 7], "pickle-protocol": 5}


@contextmanager
def http_server() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"tcp://127.0.0.1:{port}"


def test_an_http_server_is_not_taken_for_a_scheduler_and_does_not_hang() -> None:
    with http_server() as address:
        start = time.monotonic()
        with pytest.raises(SchedulerUnreachable) as caught:
            probe_scheduler(address, timeout=1.0)
        assert time.monotonic() - start < 60  # a hang would be a failure, not a wait
    assert str(caught.value) == (
        f"no Dask scheduler answered at {address} within 1 s: it accepted the connection "
        "but sent no Dask handshake"
    )


def test_sweep_cli_refuses_an_http_server_as_scheduler_within_the_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(probe_module, "SCHEDULER_TIMEOUT_SECONDS", 1.0)
    with http_server() as address:
        code, out, err = cli(
            "sweep", str(SMALL), "--vary", "consent=0.5", "-n", "100", "--scheduler", address
        )
    assert (code, out) == (2, "")
    assert err == (
        f"error: no Dask scheduler answered at {address} within 1 s: it accepted the "
        "connection but sent no Dask handshake\n"
    )


def test_a_service_sending_a_banner_is_refused_before_its_bytes_are_read_as_a_length() -> None:
    with tcp_server(sends(b"SSH-2.0-OpenSSH_9.6\r\n")) as address:
        code, out, err = cli(
            "sweep", str(SMALL), "--vary", "consent=0.5", "-n", "100", "--scheduler", address
        )
    assert (code, out) == (2, "")
    assert err == (
        f"error: no Dask scheduler answered at {address} within 10 s: it answered, but not "
        "with a Dask handshake: its first bytes b'SSH-2.0-' announce a message of "
        "3,256,153,323,631,825,747 bytes (a handshake has 16 to 65,536)\n"
    )


def test_a_closed_port_is_refused_at_once() -> None:
    address = closed_port()
    code, out, err = cli(
        "sweep", str(SMALL), "--vary", "consent=0.5", "-n", "100", "--scheduler", address
    )
    assert (code, out) == (2, "")
    assert err.startswith(
        f"error: no Dask scheduler answered at {address} within 10 s: could not connect ("
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (struct.pack("<QQ", 24, 1000) + b"\0" * 16, "it announces 1,000 frames"),
        (struct.pack("<Q", 24) + struct.pack("<QQ", 1, 99) + b"\0" * 8, "add up to 99"),
        (handshake([1, 2, 3]), "its first frame is not a mapping"),
        (struct.pack("<Q", 40) + b"\0" * 10, "the connection was closed after 10 of 40 bytes"),
    ],
)
def test_a_malformed_handshake_is_refused(data: bytes, reason: str) -> None:
    with (
        tcp_server(sends(data, then_wait=0.0)) as address,
        pytest.raises(SchedulerUnreachable, match=reason),
    ):
        probe_scheduler(address, timeout=2.0)


def test_a_trickling_peer_is_cut_off_at_the_timeout() -> None:
    def trickle(conn: socket.socket) -> None:
        for byte in handshake(DASK_HELLO):
            conn.sendall(bytes([byte]))
            time.sleep(0.2)

    with (
        tcp_server(trickle) as address,
        pytest.raises(SchedulerUnreachable, match="sent no Dask handshake"),
    ):
        probe_scheduler(address, timeout=1.0)


def test_a_well_formed_handshake_passes_the_probe() -> None:
    with tcp_server(sends(handshake(DASK_HELLO), then_wait=0.0)) as address:
        probe_scheduler(address, timeout=2.0)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("inproc://x", "inproc:// is not supported"),
        ("tcp://127.0.0.1", "no HOST:PORT"),
        ("tcp://:8786", "no HOST:PORT"),
        ("localhost:http", "'http' is not a port (1 to 65535)"),
        ("localhost:70000", "'70000' is not a port (1 to 65535)"),
    ],
)
def test_scheduler_addresses_other_than_tcp_host_port_are_refused_before_any_work(
    text: str, problem: str
) -> None:
    with pytest.raises(SchedulerAddressError):
        tcp_address(text)
    code, out, err = cli(
        "sweep", "no-such-workspace.yaml", "--vary", "consent=0.5", "--scheduler", text
    )
    assert (code, out) == (2, "")
    assert err == (
        f"error: --scheduler {text!r}: {problem}; expected tcp://HOST:PORT (forcegen reaches "
        "Dask schedulers over TCP)\n"
    )


def test_bare_and_bracketed_addresses_are_tcp() -> None:
    assert tcp_address("localhost:8786") == ("localhost", 8786)
    assert tcp_address(" tcp://[::1]:8786 ") == ("::1", 8786)


def test_a_real_scheduler_passes_the_probe_and_runs_the_sweep(small: forcegen.Workspace) -> None:
    from dask.distributed import LocalCluster

    axes = [SweepAxis("consent", (0.0, 1.0))]
    serial = run_sweep(small, axes, draws=2_000, seed=3)
    # no dashboard: LocalCluster's default (port 8787) fails to start when another
    # cluster on this machine holds that port (seen in CI beside a second run)
    with LocalCluster(
        n_workers=1,
        processes=False,
        protocol="tcp",
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        probe_scheduler(address, timeout=10.0)
        client = dask_client(address)
        try:
            distributed = run_sweep(small, axes, draws=2_000, seed=3, client=client)
        finally:
            client.close()
        code, out, err = cli(
            "sweep", str(SMALL), "--vary", "consent=0,1", "-n", "2000", "--seed", "3",
            "--scheduler", address, "--json",
        )  # fmt: skip
    assert distributed.rows == serial.rows
    assert (code, err) == (0, "")
    assert json.loads(out)["rows"] == [dict(r) for r in serial.rows]


def test_a_scheduler_without_workers_is_a_user_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # review: `montecarlo`/`sweep --scheduler` on a scheduler no worker had joined died
    # after 10 s with distributed's "TimeoutError: No valid workers found" traceback, exit 1
    from dask.distributed import LocalCluster

    from forcegen.engine.odds import cluster as cluster_module

    monkeypatch.setattr(cluster_module, "SCHEDULER_TIMEOUT_SECONDS", 1.0)
    with LocalCluster(
        n_workers=0, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        start = time.monotonic()
        with pytest.raises(SchedulerUnreachable, match="has no workers") as caught:
            dask_client(address)
        assert time.monotonic() - start < 5
        assert f"dask worker {address}" in str(caught.value)


def test_work_a_cluster_lost_is_a_plain_error_and_the_works_own_errors_pass() -> None:
    # review of issue 17: a montecarlo --dask whose only worker was killed (kill -9) ended
    # in distributed's FutureCancelledError traceback, exit 1; now exit 2 with this message
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError

    from forcegen.engine.odds.cluster import ClusterWorkLost, work_on_cluster

    lost = (
        FutureCancelledError("chunk_fills-1", "already forgotten"),
        KilledWorker("chunk_fills-2", "tcp://127.0.0.1:1", 3),  # type: ignore[arg-type]
        KilledWorker("chunk_fills-3", "tcp://127.0.0.1:1", ()),  # type: ignore[arg-type]
    )
    for exc in lost:
        expected = r"lost work in flight \(\w+: .+--serial"
        with pytest.raises(ClusterWorkLost, match=expected), work_on_cluster():
            raise exc
    for own in (ValueError("bad"), forcegen.ForcegenError("the work's own")):
        with pytest.raises(type(own)) as caught, work_on_cluster():
            raise own
        assert caught.value is own
    # sweep has no --dask-workers (its local cluster's size is --workers): name each
    assert "--dask-workers of montecarlo, --workers of sweep" in str(ClusterWorkLost("x"))
