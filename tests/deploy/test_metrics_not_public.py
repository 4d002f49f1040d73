"""`/metrics` (observability/) is for Prometheus inside the deployment, never for the internet:
which location of the public nginx (deploy/nginx/nginx.conf) and which path of the Kubernetes
Ingress (deploy/k8s/ingress.yaml) would take a request for it, decided offline the way nginx and
the Ingress match paths. nginx normalises `..` and `%2e` before it matches, so a request that only
looks like a webhook path is matched as the path it really is."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import List, Optional, Tuple
from urllib.parse import unquote

import pytest
import yaml

from tests.checks import present

ROOT = Path(__file__).resolve().parents[2]
#: what a client could send to reach the metrics of Rasa or of an action server through the edge
PROBES = (
    "/metrics",
    "/metrics/",
    "/METRICS",
    "/webhooks/metrics",
    "/webhooks/rest/../../metrics",
    "/webhooks/rest/%2e%2e/%2e%2e/metrics",
    "//metrics",
    "/socket.io/../metrics",
)


def normalised(uri: str) -> str:
    """The path nginx matches locations against: decoded, `.`/`..` resolved, slashes merged."""
    path = posixpath.normpath(unquote(uri.split("?", 1)[0]))
    return "/" if path in (".", "//") else re.sub("/+", "/", path) + ("/" if uri.endswith("/") and path != "/" else "")


def locations(conf: str) -> List[Tuple[str, str, str]]:
    """(modifier, path, body) of each location in the server that listens on 443."""
    server = conf[conf.index("listen 443") :]
    found = []
    for match in re.finditer(r"location\s+(=|\^~|~\*?)?\s*(\S+)\s*\{", server):
        depth, end = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(server[end], 0)
            end += 1
        found.append((match.group(1) or "", match.group(2), server[match.end() : end - 1]))
    return found


def chosen(locs: List[Tuple[str, str, str]], path: str) -> Optional[Tuple[str, str, str]]:
    """nginx's choice: an exact match, else the longest prefix (no regex locations exist here)."""
    for loc in locs:
        if loc[0] == "=" and loc[1] == path:
            return loc
    prefixes = [loc for loc in locs if loc[0] in ("", "^~") and path.startswith(loc[1])]
    return max(prefixes, key=lambda loc: len(loc[1])) if prefixes else None


def test_the_public_nginx_answers_404_for_metrics() -> None:
    locs = locations((ROOT / "deploy" / "nginx" / "nginx.conf").read_text())
    assert locs and not [loc for loc in locs if loc[0].startswith("~")], "regex locations: extend this test"
    for probe in PROBES:
        loc = chosen(locs, normalised(probe))
        assert loc is not None and loc[1] == "/" and "return 404" in loc[2], (probe, loc)
    # and the webhooks still go through
    assert "proxy_pass" in present(chosen(locs, "/webhooks/rest/webhook"))[2]


def ingress_paths() -> List[Tuple[str, str]]:
    paths = []
    for doc in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "ingress.yaml").read_text()):
        if doc and doc.get("kind") == "Ingress":
            for rule in doc["spec"]["rules"]:
                paths += [(p["pathType"], p["path"]) for p in rule["http"]["paths"]]
    return paths


def ingress_routes(path: str, path_type: str, rule: str) -> bool:
    """Kubernetes path matching: Exact is equality, Prefix matches whole path elements."""
    if path_type == "Exact":
        return path == rule
    base = rule.rstrip("/")
    return path == base or path.startswith(base + "/") or base == ""


@pytest.mark.parametrize("probe", PROBES)
def test_no_ingress_path_routes_metrics(probe: str) -> None:
    paths = ingress_paths()
    assert paths and all(t in ("Exact", "Prefix") for t, _ in paths)
    assert not [rule for t, rule in paths if ingress_routes(normalised(probe), t, rule)]


def test_the_normaliser_resolves_what_nginx_resolves() -> None:
    assert normalised("/webhooks/rest/%2e%2e/%2e%2e/metrics") == "/metrics"
    assert normalised("//metrics") == "/metrics" and normalised("/metrics/") == "/metrics/"
    assert ingress_routes("/webhooks/rest/webhook", "Prefix", "/webhooks/rest/")
