"""A local OpenAI-compatible HTTP server on 127.0.0.1 that tests drive (stdlib only).

It answers POST /v1/chat/completions and /v1/responses in the shapes the official client reads.
What it answers is chosen by the request's `model`: `server.program("m-block", answer("BLOCK",
["SPREAD_TOO_WIDE"]))`, so each test names its own behaviour and parallel behaviours never mix.
Behaviours: a schema answer, raw content (invalid JSON, schema violations), a refusal, a
non-JSON body, HTTP errors (429 with Retry-After, 500), slow answers past the client timeout, and
`sequence(...)` for "fail then succeed". Hits are counted per path and per model so retries can
be asserted.

The Authorization header carries the (canary) API key: it is never logged or stored, only its
SHA-256, so a test can check which key was sent. Request logging is off for the same reason.
Stack-notes fixes: wbufsize 64 KiB + TCP_NODELAY (else ~43 ms per call from Nagle + delayed
ACK) and a listen backlog of 256.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATHS = ("/v1/chat/completions", "/v1/responses")
MODIFICATION_KEYS = ("qty", "stop_price", "stop_limit_price", "take_profit_price",
                     "trailing_activation_price", "trailing_delta_bps", "time_stop_ms")


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    content_type: str = "application/json"


Behaviour = Callable[[str, dict[str, Any]], Reply]


def _json(obj: Any) -> bytes:
    return json.dumps(obj).encode()


def _message_body(path: str, model: str, text: str | None, refusal: str | None = None) -> bytes:
    if path.endswith("/responses"):
        part = ({"type": "refusal", "refusal": refusal} if refusal is not None
                else {"type": "output_text", "text": text or "", "annotations": []})
        return _json({"id": "resp_fake", "object": "response", "status": "completed", "model": model,
                      "output": [{"type": "message", "id": "msg_fake", "role": "assistant",
                                  "status": "completed", "content": [part]}]})
    return _json({
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text, "refusal": refusal}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    })


def content(text: str) -> Behaviour:
    """Answer 200 with `text` as the model's message content (any text: valid or not)."""
    return lambda path, req: Reply(body=_message_body(path, str(req.get("model", "")), text))


def modification(**fields: Any) -> dict[str, Any]:
    """Return a complete modification object: the given fields, every other key null."""
    unknown = set(fields) - set(MODIFICATION_KEYS)
    if unknown:
        raise ValueError(f"not modification keys: {sorted(unknown)}")
    return {key: fields.get(key) for key in MODIFICATION_KEYS}


def answer(verdict: str, reasons: list[str] | tuple[str, ...] = (),
           mod: dict[str, Any] | None = None) -> Behaviour:
    """Answer a schema-shaped GateAnswer."""
    return content(json.dumps({"verdict": verdict, "reasons": list(reasons), "modification": mod}))


def refusal(text: str = "I can't help with that.") -> Behaviour:
    """Answer a refusal: no content."""
    return lambda path, req: Reply(body=_message_body(path, str(req.get("model", "")), None, text))


def raw_body(body: bytes, content_type: str = "text/html") -> Behaviour:
    """Answer 200 with a body that is not an API response (e.g. a proxy's HTML page)."""
    return lambda path, req: Reply(body=body, content_type=content_type)


def http_error(status: int, retry_after: float | None = None) -> Behaviour:
    """Answer an HTTP error with an OpenAI-style error body (and Retry-After when given)."""
    headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
    body = _json({"error": {"message": f"fake {status}", "type": "fake_error", "code": None}})
    return lambda path, req: Reply(status=status, body=body, headers=headers)


def slow(delay_s: float, then: Behaviour | None = None) -> Behaviour:
    """Answer like `then` (default ALLOW), but only after `delay_s`."""
    inner = then or answer("ALLOW")

    def behave(path: str, req: dict[str, Any]) -> Reply:
        reply = inner(path, req)
        reply.delay_s = delay_s
        return reply
    return behave


def sequence(*behaviours: Behaviour) -> Behaviour:
    """Answer the n-th hit with the n-th behaviour; the last one repeats."""
    counter = itertools.count()
    lock = threading.Lock()

    def behave(path: str, req: dict[str, Any]) -> Reply:
        with lock:
            n = next(counter)
        return behaviours[min(n, len(behaviours) - 1)](path, req)
    return behave


class _Server(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True
    block_on_close = False
    fake: FakeOpenAIServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # never log: request lines are harmless, but keep the server silent by design

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            self._send(Reply(status=400, body=_json({"error": {"message": "bad json"}})))
            return
        if self.path not in PATHS:
            self._send(Reply(status=404, body=_json({"error": {"message": "not found"}})))
            return
        auth = self.headers.get("Authorization", "")
        reply = self.server.fake.handle(self.path, request, hashlib.sha256(auth.encode()).hexdigest())
        if reply.delay_s and self.server.fake.stopping.wait(reply.delay_s):
            return  # server stopping: drop the slow answer
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing to answer


class FakeOpenAIServer:
    """The server and its programme; `base_url` ends in /v1 like OPENAI_BASE_URL."""

    def __init__(self, default: Behaviour | None = None) -> None:
        self.default = default or answer("ALLOW")
        self.programs: dict[str, Behaviour] = {}
        self.hits: Counter[str] = Counter()
        self.model_hits: Counter[str] = Counter()
        self.requests: list[dict[str, Any]] = []
        self.auth_sha256: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def program(self, model: str, behaviour: Behaviour) -> str:
        """Make requests for `model` answer with `behaviour`; return the model name."""
        with self._lock:
            self.programs[model] = behaviour
        return model

    def handle(self, path: str, request: dict[str, Any], auth_sha256: str) -> Reply:
        model = str(request.get("model", ""))
        with self._lock:
            self.hits[path] += 1
            self.model_hits[model] += 1
            self.requests.append(request)
            self.auth_sha256.append(auth_sha256)
            behaviour = self.programs.get(model, self.default)
        return behaviour(path, request)

    def start(self) -> FakeOpenAIServer:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)


@contextmanager
def running_server(default: Behaviour | None = None) -> Iterator[FakeOpenAIServer]:
    """Yield a started FakeOpenAIServer; stop it afterwards."""
    server = FakeOpenAIServer(default).start()
    try:
        yield server
    finally:
        server.stop()
