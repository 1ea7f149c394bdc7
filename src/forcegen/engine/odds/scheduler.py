"""Is there a Dask scheduler at this address? A raw-socket probe, under one timeout.

``distributed.Client`` trusts what it connects to: an HTTP server (which waits for a
request) keeps it waiting past its own timeout, and a service that greets with a banner
has the banner's first eight bytes read as a message length (``Unable to allocate 3.07
EiB``). So before handing an address over, forcegen connects itself and reads what a
Dask server sends first, unasked: its handshake, one small message framed as in
``distributed.comm.tcp``::

    8 bytes    length L of the first part (little-endian unsigned)
    L bytes    8 bytes: number of frames n; n x 8 bytes: each frame's length;
               then the frames (here one msgpack mapping: compression, python, ...)

The lengths are checked to be small and consistent before anything is allocated for
them, and the whole exchange, connection included, must finish within
:data:`~forcegen.limits.SCHEDULER_TIMEOUT_SECONDS`.
"""

from __future__ import annotations

import socket
import struct
import time

from forcegen.errors import ForcegenError
from forcegen.limits import SCHEDULER_TIMEOUT_SECONDS

HANDSHAKE_MAX_BYTES = 64 * 1024
"""Largest first message taken for a handshake [bytes]; a real one is about 60."""

MAX_FRAMES = 16
"""Most frames taken in a handshake; a real one has one."""


class SchedulerUnreachable(ForcegenError):
    """No Dask scheduler answered at ``address`` within ``timeout`` seconds."""

    def __init__(self, address: str, timeout: float, reason: str) -> None:
        self.address = address
        self.timeout = timeout
        self.reason = reason
        super().__init__(f"no Dask scheduler answered at {address} within {timeout:g} s: {reason}")


class SchedulerWithoutWorkers(SchedulerUnreachable):
    """A Dask scheduler answered at ``address`` but no worker joined it within
    ``timeout`` seconds: every task would wait for one, then fail."""

    def __init__(self, address: str, timeout: float) -> None:
        self.address = address
        self.timeout = timeout
        self.reason = "no worker has joined it"
        ForcegenError.__init__(
            self,
            f"the Dask scheduler at {address} has no workers (none joined within "
            f"{timeout:g} s); start some with: dask worker {address}",
        )


class SchedulerAddressError(ForcegenError):
    """A scheduler address that is not ``tcp://HOST:PORT``: the ``text`` given and the
    ``problem``."""

    expected = "tcp://HOST:PORT (forcegen reaches Dask schedulers over TCP)"

    def __init__(self, text: str, problem: str) -> None:
        self.text = text
        self.problem = problem
        super().__init__(f"scheduler address {text!r}: {problem}; expected {self.expected}")


def tcp_address(address: str) -> tuple[str, int]:
    """(host, port) of ``tcp://HOST:PORT`` or ``HOST:PORT`` (``[v6]:PORT`` for IPv6)."""
    text = address.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    if scheme != "tcp":
        raise SchedulerAddressError(address, f"{scheme}:// is not supported")
    host, colon, port_text = rest.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not colon or not host:
        raise SchedulerAddressError(address, "no HOST:PORT")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SchedulerAddressError(address, f"{port_text!r} is not a port (1 to 65535)")
    return host, int(port_text)


def _read(sock: socket.socket, size: int, deadline: float) -> bytes:
    """Exactly ``size`` bytes, or an error when the peer closes or time runs out."""
    chunks: list[bytes] = []
    got = 0
    while got < size:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock.settimeout(left)
        chunk = sock.recv(min(size - got, 65536))
        if not chunk:
            raise ConnectionError(f"the connection was closed after {got} of {size} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def probe_scheduler(address: str, timeout: float | None = None) -> None:
    """Return when a Dask server at ``address`` sends a well-formed handshake within
    ``timeout`` seconds (default :data:`~forcegen.limits.SCHEDULER_TIMEOUT_SECONDS`);
    else raise :class:`SchedulerUnreachable` saying what happened."""
    timeout = SCHEDULER_TIMEOUT_SECONDS if timeout is None else timeout
    host, port = tcp_address(address)
    deadline = time.monotonic() + timeout

    def fail(reason: str) -> SchedulerUnreachable:
        return SchedulerUnreachable(address, timeout, reason)

    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except TimeoutError:
        raise fail("could not connect (timed out)") from None
    except socket.gaierror as exc:
        raise fail(f"cannot resolve host {host!r} ({exc.strerror})") from None
    except OSError as exc:
        raise fail(f"could not connect ({exc.strerror or exc})") from None
    with sock:
        try:
            head = _read(sock, 8, deadline)
            (length,) = struct.unpack("<Q", head)
            if not 16 <= length <= HANDSHAKE_MAX_BYTES:
                raise fail(
                    f"it answered, but not with a Dask handshake: its first bytes {head!r} "
                    f"announce a message of {length:,} bytes (a handshake has "
                    f"16 to {HANDSHAKE_MAX_BYTES:,})"
                )
            body = _read(sock, length, deadline)
        except TimeoutError:
            raise fail("it accepted the connection but sent no Dask handshake") from None
        except OSError as exc:
            raise fail(f"no Dask handshake: {exc.strerror or exc}") from None
    reason = _frames_problem(body)
    if reason:
        raise fail(f"it answered, but not with a Dask handshake: {reason}")


def _frames_problem(body: bytes) -> str | None:
    """What is wrong with the first part of a handshake, or None when it is sound."""
    (frames,) = struct.unpack_from("<Q", body)
    if not 1 <= frames <= MAX_FRAMES or 8 + 8 * frames > len(body):
        return f"it announces {frames:,} frames (a handshake has 1 to {MAX_FRAMES})"
    lengths = struct.unpack_from(f"<{frames}Q", body, 8)
    start = 8 + 8 * frames
    if sum(lengths) != len(body) - start:
        return f"its frame lengths add up to {sum(lengths):,}, not {len(body) - start:,} bytes"
    import msgpack  # type: ignore[import-untyped]  # a dependency of distributed

    try:
        message = msgpack.unpackb(body[start : start + lengths[0]], raw=False)
    except Exception:  # any undecodable frame is simply not a handshake
        return "its first frame is not msgpack"
    if not isinstance(message, dict):
        return "its first frame is not a mapping"
    return None
