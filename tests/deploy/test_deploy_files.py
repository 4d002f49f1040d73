"""The deployment files, checked offline in `make test` (the stack itself: `make test-deploy`).

- deploy/k8s validates against the Kubernetes schemas that kubernetes-validate ships;
- checkov finds nothing unjustified in the Dockerfile, the compose file and the manifests (each
  skip is annotated in the manifest and explained in deploy/README.md);
- in the manifests, secrets are files of a Secret volume (NAME_FILE, read by the image's
  entrypoint), never environment values;
- the compose file keeps its hardening and takes every secret from the environment.

The checkers live in .venv-tools (`make tools`, requirements/tools.lock.txt): their dependency
trees clash with rasa's pins. Both run through tests/deploy/offline.py, which cuts the network.
Missing tools skip locally and fail with CI=true.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Set

import pytest
import yaml

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".venv-tools" / "bin" / "python"
OFFLINE = ROOT / "tests" / "deploy" / "offline.py"
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSIONS = ("1.29.0", "1.33.0")


def tool(*args: str) -> subprocess.CompletedProcess:
    if not TOOLS.exists():
        require_service(f"the deployment checkers are not installed ({TOOLS}): run `make tools`")
    return subprocess.run([str(TOOLS), str(OFFLINE), *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def manifests() -> List[Path]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return [K8S / name for name in kustomization["resources"]]


def documents() -> List[Dict[str, Any]]:
    return [doc for path in manifests() for doc in yaml.safe_load_all(path.read_text()) if doc]


def secret_files(pod: Dict[str, Any], container: Dict[str, Any]) -> Set[str]:
    """The files a container sees at /run/secrets: its read-only mount of a volume of Secrets."""
    mounts = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/run/secrets"]
    if not mounts:
        return set()
    [mount] = mounts
    assert mount["readOnly"] is True
    [volume] = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    return {item["path"] for source in volume["projected"]["sources"] for item in source["secret"]["items"]}


def test_kustomization_lists_every_manifest() -> None:
    assert sorted(p.name for p in manifests()) == sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_manifests_validate_against_the_kubernetes_schemas_offline(version: str) -> None:
    done = tool("kubernetes-validate", "--strict", "--kubernetes-version", version, *map(str, manifests()))
    assert done.returncode == 0, done.stdout + done.stderr
    passed = re.findall(r"passed for resource (\S+)", done.stdout)
    assert len(passed) == len(documents()), done.stdout


def test_checkov_finds_nothing_unjustified() -> None:
    files = [ROOT / "Dockerfile", ROOT / "deploy" / "docker-compose.yml", *manifests()]
    args = [arg for path in files for arg in ("-f", str(path))]
    done = tool(
        "checkov", *args, "--framework", "dockerfile", "kubernetes", "secrets", "--skip-download", "--compact", "-o", "json"
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    by_type = {report["check_type"]: report for report in reports}
    assert {"dockerfile", "kubernetes"} <= set(by_type), list(by_type)
    failed = [(c["check_id"], c["resource"], c["file_path"]) for r in reports for c in r["results"]["failed_checks"]]
    assert failed == [], failed
    readme = (ROOT / "deploy" / "README.md").read_text()
    for report in reports:
        for check in report["results"]["skipped_checks"]:
            assert check["check_id"] in readme, f"{check['check_id']} is skipped but not explained in deploy/README.md"
    assert done.returncode == 0, done.stderr[-3000:]


def test_every_container_is_non_root_with_a_read_only_root_filesystem_and_probes() -> None:
    for doc in documents():
        spec = doc.get("spec", {})
        pod = spec.get("template", {}).get("spec") or spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec")
        if not pod:
            continue
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert {"requests", "limits"} <= set(container["resources"])
            files = secret_files(pod, container)
            assert not [e for e in container.get("envFrom", []) if "secretRef" in e]
            for env in container.get("env", []):
                if re.search(r"PASSWORD|TOKEN|SECRET|KEY", env["name"]):  # a file of a Secret volume, never a value
                    assert env["name"].endswith("_FILE") and "valueFrom" not in env, env["name"]
                    assert env["value"].removeprefix("/run/secrets/") in files, env
        if doc["kind"] == "Deployment":
            for container in pod["containers"]:
                assert {"readinessProbe", "livenessProbe", "startupProbe"} <= set(container)


def test_a_pod_disruption_budget_for_each_deployment_and_affinity_on_the_socket_only() -> None:
    docs = documents()
    deployments = {d["metadata"]["name"] for d in docs if d["kind"] == "Deployment"}
    budgets = {d["metadata"]["name"] for d in docs if d["kind"] == "PodDisruptionBudget"}
    assert deployments == budgets == {"rasa", "actions"}
    ingresses = [d for d in docs if d["kind"] == "Ingress"]
    for ingress in ingresses:
        paths = [p["path"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
        sticky = ingress["metadata"].get("annotations", {}).get("nginx.ingress.kubernetes.io/affinity") == "cookie"
        assert sticky == (paths == ["/socket.io/"]), (ingress["metadata"]["name"], paths)
        assert not any(p.startswith(("/conversations", "/model", "/status")) or p == "/" for p in paths)
    cronjobs = [d for d in docs if d["kind"] == "CronJob"]
    assert [c["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"] for c in cronjobs] == [["purge"]]


def test_the_compose_stack_is_hardened_and_takes_secrets_from_the_environment() -> None:
    text = (ROOT / "deploy" / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    services = compose["services"]
    assert [name for name, s in services.items() if s.get("ports")] == ["lb"]  # the only published port
    for name in ("migrate", "actions", "rasa"):
        service = services[name]
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
    for name in ("postgres", "redis", "actions-lb", "lb"):
        assert "no-new-privileges:true" in services[name]["security_opt"], name
    assert services["postgres"]["image"] == "${POSTGRES_IMAGE:-postgres:15}"
    assert services["redis"]["image"].startswith("${REDIS_IMAGE:-redis:")
    assert services["lb"]["image"].startswith("${NGINX_IMAGE:-nginx:")
    for secret in ("POSTGRES_PASSWORD", "REDIS_PASSWORD", "RASA_AUTH_TOKEN", "USERDATA_KEY"):
        assert re.search(r"\$\{" + secret + r":\?", text), f"{secret} must be required from the environment"
    for match in re.finditer(r"(PASSWORD|TOKEN|SECRET|_KEY)\w*:\s*(\S+)", text):
        assert match.group(2).startswith(("${", "postgresql://")), match.group(0)
