"""Every HTTP request modellint makes to a Hub endpoint: bounded in time and bytes, retried a
few times, and never trusting what the server says about where things go.

huggingface_hub's helpers trust the endpoint: ``hf_hub_download`` builds cache paths from the
server's ``ETag`` and ``X-Repo-Commit`` (a hostile mirror or proxy could make it write anywhere),
and its API calls read whole bodies with only per-read timeouts (an endless or gzip-bomb body,
or one byte every few seconds, never ends). So the Hub source makes its own requests, through
huggingface_hub's configured session (its proxies, headers and client), each with:

- a total deadline (``DEADLINE``; a single wait is at most ``TIMEOUT``), body included;
- a byte cap on the body as delivered and as decoded (gzip and deflate are decoded here, with
  the cap applied to the output; identity is asked for);
- a per-target byte budget (``Budget``) shared by every request for one target.

``huggingface_hub`` and its HTTP client are imported only inside functions.
"""

from __future__ import annotations

import math
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TypeVar

# Bounded network behaviour; tests lower these.
TIMEOUT = 15.0  # seconds to connect, and between two pieces of a body
DEADLINE = 60.0  # seconds for a whole request, body included
TRIES = 3  # attempts for 429 / 5xx answers
BACKOFF = 0.5  # first wait; doubles per try
BACKOFF_CAP = 4.0  # no wait (Retry-After included) is longer than this
MAX_JSON = 32 * 1024 * 1024  # an API answer (model_info of a 200,000-file repository is ~40 MB)
MAX_ERROR_BODY = 64 * 1024  # what is kept of an error answer, for its message
TARGET_BUDGET = 512 * 1024 * 1024  # bytes fetched for one target, all requests together

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
T = TypeVar("T")


class TooLarge(Exception):
    """The body is larger than the cap for this request."""


class TooSlow(Exception):
    """The request did not finish within its deadline."""


class BadAnswer(Exception):
    """The answer is not what the endpoint must send (not JSON, not an object)."""


class BudgetSpent(Exception):
    """The target's byte budget is spent: nothing more is fetched for it."""


class Budget:
    """Bytes fetched for one target, against TARGET_BUDGET (or ``limit``). Thread-safe."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = TARGET_BUDGET if limit is None else limit
        self.spent = 0
        self._lock = threading.Lock()

    def check(self) -> None:
        """Raise BudgetSpent when nothing is left: no request is made then."""
        self.take(0)

    def take(self, n: int) -> None:
        with self._lock:
            self.spent += n
            if self.spent > self.limit or (n == 0 and self.spent >= self.limit):
                raise BudgetSpent(f"the {_size(self.limit)} download budget for this target "
                                  "is spent")

    def left(self) -> int:
        with self._lock:
            return max(0, self.limit - self.spent)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


class Answer(NamedTuple):
    """A bounded response: status, headers, the body read (decoded), and the final URL."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


def http_errors() -> tuple[type[BaseException], type[BaseException]]:
    """(timeout, transport) exception classes of the HTTP client huggingface_hub uses."""
    try:
        import httpx2 as httpx  # huggingface_hub >= 2
    except ImportError:  # pragma: no cover - older huggingface_hub
        import httpx  # type: ignore[no-redef]
    return httpx.TimeoutException, httpx.TransportError


def _decoder(encoding: str) -> Any:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS)
    raise TooLarge(f"the server sent an unsupported content encoding {encoding[:40]!r}")


def _read_body(response: Any, cap: int, deadline: float, budget: Budget | None) -> bytes:
    """At most ``cap`` decoded bytes of the body (TooLarge past it), before ``deadline``."""
    decoder = _decoder(response.headers.get("Content-Encoding", ""))
    out = bytearray()
    for raw in response.iter_raw():
        if budget is not None:
            budget.take(len(raw))
        if decoder is None:
            out += raw
        else:
            # Decoded at most one byte past the cap per call: a bomb never expands in memory.
            data = decoder.decompress(raw, cap + 1 - len(out))
            out += data
            while decoder.unconsumed_tail and len(out) <= cap:
                out += decoder.decompress(decoder.unconsumed_tail, cap + 1 - len(out))
        if len(out) > cap:
            raise TooLarge(f"the answer is larger than {cap} bytes")
        if time.monotonic() > deadline:
            raise TooSlow
    return bytes(out)


def get(url: str, *, token: str | None, max_bytes: int, headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None, budget: Budget | None = None,
        stop_after: int | None = None, accept: tuple[int, ...] = ()) -> Answer:
    """GET ``url`` through huggingface_hub's session: the body up to ``max_bytes`` (TooLarge
    past it; with ``stop_after``, reading simply stops there), within DEADLINE (TooSlow). An
    error status not in ``accept`` raises huggingface_hub's exception for it (gated, not
    found...), built from a bounded body.
    Redirects to another origin drop the Authorization header (the client does)."""
    from huggingface_hub.utils import build_hf_headers, get_session

    if budget is not None:
        budget.check()
    deadline = time.monotonic() + DEADLINE
    request_headers = build_hf_headers(token=token)
    request_headers["Accept-Encoding"] = "identity"
    request_headers.update(headers or {})
    with get_session().stream("GET", url, headers=request_headers, params=params,
                              timeout=min(TIMEOUT, DEADLINE), follow_redirects=True) as response:
        status = response.status_code
        if status >= 400:
            body = _read_prefix(response, MAX_ERROR_BODY, deadline, budget)
            if status not in accept:
                _raise_for_status(response, body)
        elif stop_after is not None:
            body = _read_prefix(response, stop_after, deadline, budget)
        else:
            body = _read_body(response, max_bytes, deadline, budget)
        return Answer(status, dict(response.headers), body, str(response.url))


def _read_prefix(response: Any, limit: int, deadline: float, budget: Budget | None) -> bytes:
    """The first ``limit`` bytes as sent (no decoding: a range or an error message)."""
    chunks: list[bytes] = []
    got = 0
    for raw in response.iter_raw():
        piece = raw[: limit - got]
        if budget is not None:
            budget.take(len(piece))
        chunks.append(piece)
        got += len(piece)
        if got >= limit:
            break
        if time.monotonic() > deadline:
            raise TooSlow
    return b"".join(chunks)


def _raise_for_status(response: Any, body: bytes) -> None:
    """huggingface_hub's own error for this answer, from a response holding the bounded body."""
    from huggingface_hub.utils import hf_raise_for_status

    try:
        import httpx2 as httpx
    except ImportError:  # pragma: no cover - older huggingface_hub
        import httpx  # type: ignore[no-redef]
    headers = {k: v for k, v in response.headers.items()
               if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")}
    copy = httpx.Response(response.status_code, headers=headers, content=body,
                          request=response.request)
    hf_raise_for_status(copy)


def get_json(url: str, *, token: str | None, params: Mapping[str, Any] | None = None,
             budget: Budget | None = None, max_bytes: int | None = None) -> Any:
    """A JSON API answer, bounded (MAX_JSON), parsed (lone surrogates replaced, nesting
    bounded: see ``jsonsafe``); BadAnswer when it is not JSON."""
    from modellint import jsonsafe

    answer = get(url, token=token, params=params, budget=budget,
                 max_bytes=MAX_JSON if max_bytes is None else max_bytes)
    try:
        return jsonsafe.loads(answer.body)
    except jsonsafe.TooDeep as exc:
        raise BadAnswer(f"the Hub's answer is {exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadAnswer(f"the Hub's answer is not JSON ({type(exc).__name__})") from None


# -- retries --------------------------------------------------------------------------------

def status_of(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def retry_after(exc: BaseException) -> float | None:
    """A Retry-After in seconds, when it is a sane number (not negative, NaN or absurd)."""
    response = getattr(exc, "response", None)
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    if not isinstance(value, str) or len(value) > 32:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None  # an HTTP date, or junk: the backoff decides
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def tries_of(exc: BaseException) -> int | None:
    """How many times the failed call was tried, as ``with_retries`` recorded it."""
    tries = getattr(exc, "modellint_tries", None)
    return tries if isinstance(tries, int) else None


def with_retries(call: Callable[[], T]) -> T:
    """Run ``call``, retrying a few times, with short capped waits, on 429 and 5xx answers.
    The exception that ends it records how many tries were made (``tries_of``)."""
    from huggingface_hub.errors import HfHubHTTPError

    wait = BACKOFF
    for attempt in range(1, TRIES + 1):
        try:
            return call()
        except HfHubHTTPError as exc:
            if status_of(exc) not in RETRY_STATUS or attempt == TRIES:
                exc.modellint_tries = attempt  # type: ignore[attr-defined]
                raise
            time.sleep(min(BACKOFF_CAP, retry_after(exc) or wait))
            wait *= 2
    raise AssertionError("unreachable")  # pragma: no cover
