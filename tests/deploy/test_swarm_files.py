"""The Swarm stack (deploy/swarm/stack.yml) kept in step with the compose file and the Kubernetes
manifests, offline in `make test` (the stack itself runs under `make test-swarm`): the same
services, images, settings, replicas, probes, resources and secrets, the secrets as files only
(the same NAME_FILE variables and paths under /run/secrets as the Kubernetes Secret volumes),
rolling updates that start the new task first, and the action servers on the internal network."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Set

import pytest
import yaml

from tests.checks import present
from tests.deploy.k8s_manifests import deployment, k8s_container, k8s_secret_items

ROOT = Path(__file__).resolve().parents[2]
SWARM_FILE = ROOT / "deploy" / "swarm" / "stack.yml"
APPS = ("rasa", "actions")
CHANNELS = ("TELEGRAM_", "SLACK_")  # optional, off without their keys: not in the Swarm file
SECRET = re.compile(r"PASSWORD|TOKEN|SECRET|KEY")


def swarm() -> Dict[str, Any]:
    return yaml.safe_load(SWARM_FILE.read_text())


def compose() -> Dict[str, Any]:
    return yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())


def cpus(value: str) -> float:
    return float(value[:-1]) / 1000 if str(value).endswith("m") else float(value)


def mebibytes(value: str) -> int:
    number, unit = present(re.fullmatch(r"(\d+)(Mi|Gi|M|G)", str(value))).groups()
    return int(number) * (1024 if unit.startswith("G") else 1)  # Swarm's M and G are binary, as Kubernetes' Mi and Gi


def secret_variables(environment: Dict[str, str]) -> Set[str]:
    return {name.removesuffix("_FILE") for name in environment if SECRET.search(name) and not name.startswith(CHANNELS)}


def test_the_same_services_images_and_settings_as_the_compose_stack() -> None:
    ours, theirs = swarm()["services"], compose()["services"]
    assert set(ours) == set(theirs) - {"migrate"}  # the action servers migrate on start, as the k8s init container
    for name, service in ours.items():
        assert service["image"] == theirs[name]["image"], name
    for name in APPS:
        env, compose_env = ours[name]["environment"], theirs[name]["environment"]
        plain = {k: v for k, v in env.items() if not k.endswith("_FILE")}
        compose_plain = {k: v for k, v in compose_env.items() if not SECRET.search(k) and not k.startswith(CHANNELS)}
        assert plain == compose_plain, name
        assert secret_variables(env) == secret_variables(compose_env) | {"REST_AUTH_TOKEN"} & set(compose_env), name
        assert ours[name]["command"] == theirs[name]["command"]


@pytest.mark.parametrize("name", APPS)
def test_replicas_probes_and_resources_match_kubernetes(name: str) -> None:
    service = swarm()["services"][name]
    deploy, check = service["deploy"], service["healthcheck"]
    container = k8s_container(name)
    assert deploy["replicas"] == deployment(name)["spec"]["replicas"]
    assert check["test"] == ["CMD", "python", "/app/deploy/docker/healthcheck.py"]
    probe_paths = {container[p]["httpGet"]["path"] for p in ("startupProbe", "readinessProbe", "livenessProbe")}
    healthcheck = (ROOT / "deploy" / "docker" / "healthcheck.py").read_text()
    assert len(probe_paths) == 1 and probe_paths.pop() in healthcheck
    seconds = {k: int(str(check[k]).removesuffix("s")) for k in ("interval", "timeout", "start_period")}
    ready, live, startup = container["readinessProbe"], container["livenessProbe"], container["startupProbe"]
    assert seconds["interval"] == ready["periodSeconds"] and seconds["timeout"] == ready["timeoutSeconds"]
    assert seconds["interval"] * check["retries"] == live["periodSeconds"] * live["failureThreshold"]
    assert seconds["start_period"] == startup["periodSeconds"] * startup["failureThreshold"]
    resources = container["resources"]
    assert cpus(deploy["resources"]["limits"]["cpus"]) == cpus(resources["limits"]["cpu"])
    assert cpus(deploy["resources"]["reservations"]["cpus"]) == cpus(resources["requests"]["cpu"])
    assert mebibytes(deploy["resources"]["limits"]["memory"]) == mebibytes(resources["limits"]["memory"])
    assert mebibytes(deploy["resources"]["reservations"]["memory"]) == mebibytes(resources["requests"]["memory"])
    grace = deployment(name)["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert service["stop_grace_period"] == f"{grace}s"
    rolling = deployment(name)["spec"]["strategy"]["rollingUpdate"]
    assert (rolling["maxSurge"], rolling["maxUnavailable"]) == (1, 0)
    assert deploy["update_config"]["order"] == "start-first" and deploy["update_config"]["parallelism"] == 1


@pytest.mark.parametrize("name", APPS)
def test_secrets_are_the_kubernetes_ones_and_only_files(name: str) -> None:
    stack = swarm()
    service = stack["services"][name]
    env = service["environment"]
    k8s_env = {e["name"]: e for e in k8s_container(name)["env"]}
    assert not [e for e in k8s_env.values() if "valueFrom" in e], "Kubernetes: a secret in the environment"
    k8s = {v.removesuffix("_FILE"): e["value"] for v, e in k8s_env.items() if v.endswith("_FILE") and not v.startswith(CHANNELS)}
    files = {name.removesuffix("_FILE"): value for name, value in env.items() if name.endswith("_FILE")}
    assert files == k8s, "the same variables, each the same file"
    items = k8s_secret_items(name)
    for variable, path in k8s.items():
        file = path.removeprefix("/run/secrets/")
        key, optional = items[file]
        assert key == file.replace("_", "-") and optional == (variable == "REST_AUTH_TOKEN"), variable
    assert {f.removeprefix("/run/secrets/") for f in files.values()} == set(service["secrets"])
    assert not [k for k in env if SECRET.search(k) and not k.endswith("_FILE")], "a secret in the environment"
    for secret in stack["secrets"].values():
        assert set(secret) == {"file"} and secret["file"].startswith(("${TPC_SECRETS_DIR:?", "${TLS_DIR:?")), secret


def test_orchestration_networks_and_files() -> None:
    stack = swarm()
    services = stack["services"]
    for name, service in services.items():
        deploy = service["deploy"]
        assert deploy["endpoint_mode"] == "dnsrr", name  # DNS gives every task, as compose's names do
        assert deploy["restart_policy"]["condition"] == "any", name
        assert deploy["update_config"]["failure_action"] == "rollback", name
        assert "restart" not in service and "depends_on" not in service and "security_opt" not in service, name
    assert [name for name, s in services.items() if s.get("ports")] == ["lb"]
    assert services["actions"]["networks"] == ["backend"] and services["actions-lb"]["networks"] == ["backend"]
    assert "backend" not in services["lb"]["networks"]
    assert stack["networks"]["backend"] == {"driver": "overlay", "internal": True}
    for name in APPS:
        assert services[name]["read_only"] is True and services[name]["cap_drop"] == ["ALL"]
        assert [v["target"] for v in services[name]["volumes"] if v["type"] == "tmpfs"] == ["/tmp"]
    for config in stack["configs"].values():
        path = re.sub(r"\$\{\w+:-([^}]+)\}", r"\1", config["file"])
        assert (SWARM_FILE.parent / path).is_file(), path
