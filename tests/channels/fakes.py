"""Local stand-ins for the Telegram Bot API and the Slack Web API (loopback only).

Each fake records every call (method, parameters, headers) and answers like the real API
would for the methods the channels use. Tests wait for calls with a timeout instead of
sleeping.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, TypeVar
from urllib.parse import parse_qsl, urlsplit

BOT_USERNAME = "tpc_test_bot"


@dataclass
class Call:
    method: str
    params: Dict[str, Any]
    headers: Dict[str, str]
    credential: str  # the bot token found in the URL (Telegram) or the Authorization header (Slack)
    body: bytes = b""  # the raw request body (an uploaded file)

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    def json_param(self, name: str) -> Any:
        value = self.params.get(name)
        return json.loads(value) if isinstance(value, str) else value


def parse_body(content_type: str, body: bytes) -> Dict[str, Any]:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        return json.loads(body or b"{}")
    if kind == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    if kind == "multipart/form-data":
        message = BytesParser(EmailMessage, policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        return {str(part.get_param("name", header="content-disposition")): part.get_content() for part in message.iter_parts()}
    return {}


Api = TypeVar("Api", bound="FakeApi")


class FakeApi:
    """Base: a threaded HTTP server on 127.0.0.1 that records calls."""

    def __init__(self) -> None:
        self._calls: List[Call] = []
        self._changed = threading.Condition()
        self._server: Optional[ThreadingHTTPServer] = None
        self._counter = 0

    # -- to override ---------------------------------------------------------------
    def route(self, path: str, headers: Dict[str, str]) -> tuple[str, str]:
        """(method, credential) for a request path."""
        raise NotImplementedError

    def answer(self, call: Call, number: int) -> Dict[str, Any]:
        raise NotImplementedError

    # -- server ----------------------------------------------------------------------
    def start(self: Api) -> Api:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {key.lower(): value for key, value in self.headers.items()}
                method, credential = fake.route(self.path, headers)
                query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))  # GET-style API calls
                params = {**query, **parse_body(headers.get("content-type", ""), body)}
                call = Call(method, params, headers, credential, body)
                answer = fake.record(call)
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def record(self, call: Call) -> Dict[str, Any]:
        with self._changed:
            self._counter += 1
            self._calls.append(call)
            self._changed.notify_all()
            return self.answer(call, self._counter)

    # -- reading ---------------------------------------------------------------------
    @property
    def calls(self) -> List[Call]:
        with self._changed:
            return list(self._calls)

    def matching(self, predicate: Callable[[Call], bool]) -> List[Call]:
        return [call for call in self.calls if predicate(call)]

    def wait_for(self, predicate: Callable[[Call], bool], count: int = 1, timeout: float = 60) -> List[Call]:
        """All calls matching `predicate`, once there are at least `count` (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [call for call in self._calls if predicate(call)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.params) for c in self._calls[-10:]]
                    raise AssertionError(f"expected {count} matching call(s) in {timeout}s, got {len(found)}; last: {seen}")
                self._changed.wait(remaining)


class FakeTelegramApi(FakeApi):
    """Bot API: POST /bot<token>/<method>."""

    def route(self, path: str, headers: Dict[str, str]) -> tuple[str, str]:
        _, bot_token, method = path.split("?")[0].split("/", 2)
        return method, bot_token.removeprefix("bot")

    def answer(self, call: Call, number: int) -> Dict[str, Any]:
        if call.method == "getMe":
            return {"ok": True, "result": {"id": 123456789, "is_bot": True, "first_name": "TPC test", "username": BOT_USERNAME}}
        if call.method in ("sendMessage", "sendPhoto", "sendDocument"):
            chat_id = str(call.params.get("chat_id"))
            chat = {"id": int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id, "type": "private"}
            message = {"message_id": number, "date": int(time.time()), "chat": chat, "text": call.text}
            return {"ok": True, "result": message}
        return {"ok": True, "result": True}

    def sent_to(self, chat_id: int) -> List[Call]:
        return self.matching(lambda c: c.method == "sendMessage" and c.params.get("chat_id") == str(chat_id))


class FakeSlackApi(FakeApi):
    """Web API: POST /api/<method> with `Authorization: Bearer <token>`."""

    def route(self, path: str, headers: Dict[str, str]) -> tuple[str, str]:
        method = path.split("?")[0].removeprefix("/api/")
        return method, headers.get("authorization", "").removeprefix("Bearer ")

    def answer(self, call: Call, number: int) -> Dict[str, Any]:
        if call.method == "chat.postMessage":
            ts = f"{int(time.time())}.{number:06d}"
            return {"ok": True, "channel": call.params.get("channel"), "ts": ts, "message": {"text": call.text, "ts": ts}}
        if call.method == "files.getUploadURLExternal":  # files_upload_v2, step 1: where to send the bytes
            return {"ok": True, "upload_url": f"{self.url}/api/upload/F{number}", "file_id": f"F{number}"}
        if call.method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": f["id"]} for f in call.json_param("files") or []]}
        return {"ok": True}

    def uploads(self) -> List[Call]:
        """The files sent (step 2 of files_upload_v2: the bytes posted to the upload URL)."""
        return self.matching(lambda c: c.method.startswith("upload/"))

    def posted_to(self, channel: str) -> List[Call]:
        return self.matching(lambda c: c.method == "chat.postMessage" and c.params.get("channel") == channel)
