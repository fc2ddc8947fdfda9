"""The HTTP side of the local simulators of the town's other systems (住基ネット CS,
戸籍附票システム, 団体内統合宛名システム) that the tests and ``make demo`` start: JSON POST
routes to methods of a state object, a ``/_control`` route to script failures, a refusal
answered 422 with the other side's code and reason, and nothing logged (they hold personal
data). Each simulator keeps its own state, routes and error codes; this is only the wire."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, Self


class Refused(Exception):
    """The simulated system refuses the record (answered 422)."""

    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason


class SimState(Protocol):
    lock: threading.Lock
    fail_next: int


class _Handler(BaseHTTPRequestHandler):
    server: SimServer

    def log_message(self, format: str, *args: Any) -> None:
        return  # the simulator holds personal data: it logs nothing

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        server = self.server
        state = server.state
        name = server.routes.get(self.path)
        if name is None:
            self._answer(
                404, {"result": "ng", "code": server.bad_code, "reason": "no such service"}
            )
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length).decode("utf-8") or "{}")
        except ValueError:
            self._answer(400, {"result": "ng", "code": server.bad_code, "reason": "bad JSON"})
            return
        with state.lock:
            if name != "control" and state.fail_next > 0:
                state.fail_next -= 1
                down = {"result": "ng", "code": server.down_code, "reason": server.down_reason}
                self._answer(503, down)
                return
            try:
                answer = getattr(state, name)(body)
            except Refused as exc:
                self._answer(422, {"result": "ng", "code": exc.code, "reason": exc.reason})
                return
        self._answer(200, answer)


class SimServer(ThreadingHTTPServer):
    """One simulator on 127.0.0.1: ``routes`` maps a path to a method of ``state``."""

    daemon_threads = True

    def __init__(
        self,
        state: Any,
        routes: dict[str, str],
        *,
        port: int = 0,
        bad_code: str = "E000",
        down_code: str = "E900",
        down_reason: str = "停止中",
    ) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.state = state
        self.routes = routes
        self.bad_code = bad_code
        self.down_code = down_code
        self.down_reason = down_reason
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> Self:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
