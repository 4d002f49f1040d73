"""Serve the demo page (web/) with the rasa-webchat widget, standard library only.

    python -m scripts.serve_web [--host 127.0.0.1] [--port 8080] [--socket-url http://127.0.0.1:5005]
                                [--message-delay-ms 1200]

What is served, and nothing else:
- files under web/ with a web suffix (index.html, app.js, style.css...): never a dotfile, never
  package.json, never a directory listing, nothing under node_modules/ but the bundle;
- the widget bundle, installed by `npm ci --prefix web` (package-lock.json), at /vendor/rasa-webchat.js;
- /config.js: the socket URL of the Rasa server and the longest "typing..." pause before a bot
  message is shown, so the static page needs no rebuild per deployment.

The page's origin (http://HOST:PORT) must be the one given to `rasa run --cors`: the socket.io
channel only accepts that origin. Defaults from the environment (settings.py): WEB_HOST, WEB_PORT,
RASA_SOCKET_URL, WEB_MESSAGE_DELAY_MS.
"""

from __future__ import annotations

import argparse
import json
import posixpath
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional
from urllib.parse import unquote, urlsplit

from settings import settings

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
BUNDLE = Path("node_modules") / "rasa-webchat" / "lib" / "index.js"
BUNDLE_URL = "/vendor/rasa-webchat.js"
CONFIG_URL = "/config.js"
# rasa-webchat's own pause is 30 ms a character, 0.8 to 3 s a message: a step list waited 3 s
# behind "typing...". Ours is capped at this (tests set 0: the pause is cosmetic).
DEFAULT_MESSAGE_DELAY_MS = 1200
SERVED_SUFFIXES = {".html", ".js", ".css", ".svg", ".png", ".ico", ".webmanifest"}


def content_security_policy(socket_url: str) -> str:
    """Scripts only from this server, the socket only to Rasa (long-polling over HTTP, see
    channels/socketio.py); the widget injects its CSS as <style> elements, hence 'unsafe-inline'."""
    parts = urlsplit(socket_url)
    return (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        f"font-src 'self' data:; connect-src 'self' {parts.scheme}://{parts.netloc}; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )


class WebHandler(SimpleHTTPRequestHandler):
    """A read-only file server for web/ with an explicit exception for the widget bundle."""

    server_version = "tpc-web"

    def version_string(self) -> str:
        return self.server_version

    def __init__(
        self, *args: Any, socket_url: str, root: Path, message_delay_ms: int = DEFAULT_MESSAGE_DELAY_MS, **kwargs: Any
    ) -> None:
        self.socket_url = socket_url
        self.message_delay_ms = message_delay_ms
        self.root = root.resolve()
        super().__init__(*args, directory=str(self.root), **kwargs)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Security-Policy", content_security_policy(self.socket_url))
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head_only=True)

    def _serve(self, head_only: bool) -> None:
        path = urlsplit(self.path).path
        if path == CONFIG_URL:
            config = {"socketUrl": self.socket_url, "messageDelayMs": self.message_delay_ms}
            body = f"window.TPC_CONFIG = {json.dumps(config)};\n".encode()
            self._send(body, "text/javascript; charset=utf-8", head_only)
            return
        target = self.resolve(path)
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        content_type = self.guess_type(str(target))
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self._send(target.read_bytes(), content_type, head_only)

    def _send(self, body: bytes, content_type: str, head_only: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def resolve(self, url_path: str) -> Optional[Path]:
        """The file for a URL path, or None: web/ only, no dotfiles, node_modules only for the bundle."""
        if url_path == BUNDLE_URL:
            bundle = self.root / BUNDLE
            return bundle if bundle.is_file() else None
        parts = [p for p in posixpath.normpath(unquote(url_path)).split("/") if p]
        if any(p.startswith(".") or p == "node_modules" or "\\" in p or "\x00" in p for p in parts):
            return None
        target = self.root.joinpath(*parts)
        if target.is_dir():
            target = target / "index.html"
        target = target.resolve()
        if not target.is_file() or not target.is_relative_to(self.root) or target.suffix not in SERVED_SUFFIXES:
            return None
        return target


def make_server(
    host: str, port: int, socket_url: str, root: Path = WEB_ROOT, message_delay_ms: int = DEFAULT_MESSAGE_DELAY_MS
) -> ThreadingHTTPServer:
    if not (root / BUNDLE).is_file():
        raise SystemExit(f"widget bundle missing: {root / BUNDLE} (run `npm ci --prefix web`, or `make web/node_modules`)")
    handler = partial(WebHandler, socket_url=socket_url, root=root, message_delay_ms=message_delay_ms)
    return ThreadingHTTPServer((host, port), handler)


def main(argv: Optional[list] = None) -> None:
    env = settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=env.web_host)
    parser.add_argument("--port", type=int, default=env.web_port)
    parser.add_argument("--socket-url", default=env.rasa_socket_url, help="where the widget finds Rasa's socket.io channel")
    parser.add_argument(
        "--message-delay-ms", type=int, default=env.web_message_delay_ms, help="longest typing pause before a message (0: none)"
    )
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, args.socket_url, message_delay_ms=max(0, args.message_delay_ms))
    print(f">> demo page on http://{args.host}:{server.server_address[1]} (widget -> {args.socket_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
