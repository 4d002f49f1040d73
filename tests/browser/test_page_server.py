"""scripts/serve_web.py: serves the page and the widget bundle, and nothing else (no browser needed)."""

from __future__ import annotations

import http.client
import threading
from typing import Dict, Iterator, Tuple

import pytest

from tests.browser.conftest import BUNDLE, require_browser
from tests.servers import ROOT

SOCKET_URL = "http://127.0.0.1:5999"


@pytest.fixture(scope="module")
def server() -> Iterator[Tuple[str, int]]:
    if not BUNDLE.is_file():
        require_browser()  # skips locally, fails on CI
    import importlib.util

    spec = importlib.util.spec_from_file_location("serve_web", ROOT / "scripts" / "serve_web.py")
    assert spec and spec.loader
    serve_web = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve_web)
    httpd = serve_web.make_server("127.0.0.1", 0, SOCKET_URL)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def get(server: Tuple[str, int], path: str, method: str = "GET") -> Tuple[int, Dict[str, str], bytes]:
    connection = http.client.HTTPConnection(*server, timeout=10)
    try:
        connection.request(method, path)  # sent as is: no client-side normalisation of ".."
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_the_page_its_assets_and_the_bundle_are_served(server: Tuple[str, int]) -> None:
    status, headers, body = get(server, "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b'name="viewport"' in body and b"vendor/rasa-webchat.js" in body
    for path in ("/app.js", "/style.css", "/favicon.svg", "/index.html"):
        assert get(server, path)[0] == 200, path
    status, headers, body = get(server, "/vendor/rasa-webchat.js")
    assert status == 200 and body == BUNDLE.read_bytes()
    assert get(server, "/vendor/rasa-webchat.js", method="HEAD")[0] == 200


def test_the_page_gets_the_socket_url_from_config_js(server: Tuple[str, int]) -> None:
    status, headers, body = get(server, "/config.js")
    assert status == 200 and "javascript" in headers["content-type"]
    assert body.decode() == f'window.TPC_CONFIG = {{"socketUrl": "{SOCKET_URL}", "messageDelayMs": 1200}};\n'


def test_security_headers(server: Tuple[str, int]) -> None:
    _, headers, _ = get(server, "/")
    csp = headers["content-security-policy"]
    assert "script-src 'self';" in csp and "'unsafe-eval'" not in csp
    assert f"connect-src 'self' {SOCKET_URL};" in csp
    assert headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/package.json",
        "/package-lock.json",
        "/.npmrc",
        "/node_modules/rasa-webchat/package.json",
        "/node_modules/rasa-webchat/lib/index.js",  # only through /vendor/
        "/node_modules/",
        "/vendor/",
        "/../README.md",
        "/%2e%2e/README.md",
        "/..%2f..%2fREADME.md",
        "/../credentials.yml",
        "//etc/passwd",
        "/missing.html",
    ],
)
def test_nothing_else_is_served(server: Tuple[str, int], path: str) -> None:
    status, _, body = get(server, path)
    assert status == 404, path
    assert b"Directory listing" not in body
