"""Readers of the Kubernetes manifests (deploy/k8s/) shared by the offline tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]


def deployment(name: str) -> Dict[str, Any]:
    docs = yaml.safe_load_all((ROOT / "deploy" / "k8s" / f"{name}.yaml").read_text())
    [doc] = [d for d in docs if d and d["kind"] == "Deployment"]
    return doc


def k8s_container(name: str) -> Dict[str, Any]:
    [container] = deployment(name)["spec"]["template"]["spec"]["containers"]
    return container


def k8s_secret_items(name: str) -> Dict[str, Tuple[str, bool]]:
    """The files of the Secret volume mounted at /run/secrets: file -> (the Secret's key, optional)."""
    pod = deployment(name)["spec"]["template"]["spec"]
    [mount] = [m for m in k8s_container(name)["volumeMounts"] if m["mountPath"] == "/run/secrets"]
    [volume] = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    sources = [source["secret"] for source in volume["projected"]["sources"]]
    return {item["path"]: (item["key"], source.get("optional", False)) for source in sources for item in source["items"]}


def k8s_secret_of(name: str, variable: str) -> Tuple[str, bool]:
    """The Secret key (and whether it is optional) behind `variable`, given to the container as the
    file that `<variable>_FILE` names: the entrypoint reads it (deploy/docker/entrypoint.sh)."""
    env = {e["name"]: e for e in k8s_container(name)["env"]}
    assert variable not in env, f"{variable} is in the environment: secrets are files"
    path = env[f"{variable}_FILE"]["value"]
    assert path.startswith("/run/secrets/"), path
    return k8s_secret_items(name)[path.removeprefix("/run/secrets/")]
