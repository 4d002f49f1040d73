"""Security properties of the repository and the servers."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any, Iterator, Tuple

import pytest
import yaml

from tests.servers import action_server, base_env, free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET_PATTERNS = {
    "slack token": re.compile(r"xox[abposr]-\d{6,}-\d{6,}-[0-9A-Za-z]{20,}"),
    "telegram bot token": re.compile(r"\b\d{8,10}:[A-Za-z0-9_-]{35}\b"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "aws key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "github token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
    "url with password": re.compile(r"[a-z]+://[^/\s:@]+:[^@\s/]{3,}@(?!(?:[\w.-]+\.)?example\.(?:com|org)\b)"),
}
SECRET_KEYS = re.compile(r"(token|secret|password|api_key)", re.I)


def tracked_files() -> list:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if line and not line.endswith((".png", ".tar.gz", "package-lock.json"))]


def test_no_committed_secrets() -> None:
    found = []
    for path in tracked_files():
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(errors="ignore")
        for name, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {name}: {match.group(0)[:12]}...")
    assert found == []


def walk(node: Any, path: str = "") -> Iterator[Tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    else:
        yield path, node


@pytest.mark.parametrize("name", ["credentials.yml", "endpoints.yml", "endpoints.production.yml"])
def test_secrets_in_yaml_are_environment_placeholders(name: str) -> None:
    data = yaml.safe_load((ROOT / name).read_text()) or {}
    for key, value in walk(data):
        if SECRET_KEYS.search(key.rsplit(".", 1)[-1]) and value not in (None, ""):
            assert re.fullmatch(r"\$\{[A-Z0-9_]+\}", str(value)), f"{name}{key} is not a ${{VAR}} placeholder"


def test_http_api_is_only_ever_enabled_with_a_token() -> None:
    for path in [*ROOT.glob("scripts/*.sh"), ROOT / "Makefile", *ROOT.glob("deploy/*.yml"), ROOT / "Dockerfile"]:
        text = path.read_text()
        for line in text.splitlines():
            if "--enable-api" in line:
                assert "--auth-token" in line, f"{path.name}: {line.strip()}"


def test_scripts_bind_the_action_server_to_localhost_by_default() -> None:
    for script in ("run.sh", "run_production.sh"):
        assert 'SANIC_HOST="${ACTIONS_HOST:-127.0.0.1}"' in (ROOT / "scripts" / script).read_text()


def listening_addresses(port: int) -> set:
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            host, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                addresses.add(host)
    return addresses


@pytest.mark.e2e
def test_action_server_listens_on_loopback_only(tmp_path: Path) -> None:
    port = free_port()
    server = action_server(tmp_path, port, base_env()).start()
    try:
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else
    finally:
        server.stop()
