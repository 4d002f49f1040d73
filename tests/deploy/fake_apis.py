"""The fake Telegram Bot API and Slack Web API of tests/channels, served on the compose network.

Run in the app image by tests/deploy/compose.test.yml (`python -m tests.deploy.fake_apis`):
Telegram on https://fakes:8443, Slack on https://fakes:8444/api/, both with a certificate of the
test's own CA (the connectors only talk plain http to loopback). A plain-http control port
(9000, published on 127.0.0.1 only) lets the test read what the bot sent: GET /calls/telegram,
GET /calls/slack, GET /health.
"""

from __future__ import annotations

import json
import os
import signal
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict

from tests.channels.fakes import Call, FakeApi, FakeSlackApi, FakeTelegramApi, parse_body

TLS_DIR = os.environ.get("FAKES_TLS_DIR", "/tls")
PORTS = {"telegram": 8443, "slack": 8444}
CONTROL_PORT = 9000


def api_handler(fake: FakeApi) -> type:
    """The request handler of tests/channels/fakes.py, for a server bound elsewhere."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {key.lower(): value for key, value in self.headers.items()}
            method, credential = fake.route(self.path, headers)
            answer = fake.record(Call(method, parse_body(headers.get("content-type", ""), body), headers, credential))
            payload = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST  # noqa: N815

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def as_json(call: Call) -> Dict[str, Any]:
    params = {
        k: (v if isinstance(v, str | int | float | bool | list | dict) or v is None else repr(v)) for k, v in call.params.items()
    }
    return {"method": call.method, "params": params, "credential": call.credential}


def main() -> None:
    fakes: Dict[str, FakeApi] = {"telegram": FakeTelegramApi(), "slack": FakeSlackApi()}
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(f"{TLS_DIR}/fakes-cert.pem", f"{TLS_DIR}/fakes-key.pem")
    servers = []
    for name, fake in fakes.items():
        server = ThreadingHTTPServer(("0.0.0.0", PORTS[name]), api_handler(fake))  # noqa: S104 - the compose network
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        servers.append(server)

    class Control(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            name = self.path.strip("/").removeprefix("calls/")
            if self.path == "/health":
                payload = b'{"status": "ok"}'
            elif name in fakes:
                payload = json.dumps([as_json(call) for call in fakes[name].calls]).encode()
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    control = ThreadingHTTPServer(("0.0.0.0", CONTROL_PORT), Control)  # noqa: S104 - published on 127.0.0.1 only
    control.daemon_threads = True
    servers.append(control)
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"fake APIs: telegram :{PORTS['telegram']}, slack :{PORTS['slack']}, control :{CONTROL_PORT}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
