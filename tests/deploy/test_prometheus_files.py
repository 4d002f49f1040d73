"""The Prometheus files, offline: the compose scrape configuration finds every replica of both
servers, Kubernetes scrapes the same pods with the same job names and carries the same rules,
every alert the operators are promised exists, and every metric a rule reads is one the servers
export (observability/metrics.py). promtool, when installed, checks the rules and runs their unit
tests (deploy/prometheus/alerts.test.yml); make test-deploy always runs it, in the Prometheus image."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from prometheus_client import REGISTRY

import observability.metrics  # noqa: F401 - registers the bot's metrics

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
ALERTS = {"TPCTurnErrorRateHigh", "TPCTurnLatencyP95High", "TPCReminderLate", "TPCStoreUnreachable", "TPCReplicaDown"}
SERVERS = {"rasa": 5005, "actions": 5055}


def rules() -> List[Dict[str, Any]]:
    groups = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def k8s(kind: str, name: str) -> Dict[str, Any]:
    for path in (ROOT / "deploy" / "k8s").glob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == kind and doc["metadata"]["name"] == name:
                return doc
    raise AssertionError(f"no {kind} {name} in deploy/k8s")


def exported_names() -> set:
    """Every series name the registry's families can produce (a labelled metric has no sample
    before its first use, so the names come from the family's type)."""
    suffixes = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created"), "gauge": ("",)}
    return {f.name + suffix for f in REGISTRY.collect() for suffix in suffixes.get(f.type, ("",))}


def test_every_promised_alert_exists_with_a_severity_and_a_summary() -> None:
    assert {rule["alert"] for rule in rules()} == ALERTS
    for rule in rules():
        assert rule["labels"]["severity"] in ("page", "ticket"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert re.fullmatch(r"\d+[smh]", rule.get("for", "0s")), rule["alert"]


def test_every_metric_a_rule_reads_is_exported() -> None:
    exported = exported_names()
    read = {name for rule in rules() for name in re.findall(r"\btpc_\w+", rule["expr"])}
    assert read and read <= exported, read - exported


def test_compose_scrapes_every_replica_of_both_servers_and_loads_the_rules() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == set(SERVERS)
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())["services"]
    for name, port in SERVERS.items():
        [sd] = jobs[name]["dns_sd_configs"]  # a service name resolves to every container of it
        assert sd["names"] == [name] and sd["type"] == "A" and sd["port"] == port and name in compose
        assert jobs[name].get("metrics_path", "/metrics") == "/metrics"
    mounts = compose["prometheus"]["volumes"]
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    assert "./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in mounts
    assert not compose["prometheus"].get("ports")  # its UI is not published by the stack


def test_kubernetes_carries_the_same_rules_and_scrapes_the_same_jobs() -> None:
    config_map = k8s("ConfigMap", "tpc-prometheus")
    assert config_map["data"]["alerts.yml"] == (PROMETHEUS / "alerts.yml").read_text()
    scrape = yaml.safe_load(config_map["data"]["prometheus.yml"])
    assert scrape["rule_files"] == ["/etc/prometheus/tpc/alerts.yml"]
    [job] = scrape["scrape_configs"]
    relabel = {tuple(r["source_labels"]): r for r in job["relabel_configs"]}
    assert relabel[("__meta_kubernetes_pod_label_app_kubernetes_io_name",)]["target_label"] == "job"
    assert relabel[("__meta_kubernetes_pod_annotation_prometheus_io_scrape",)]["action"] == "keep"
    policy = k8s("NetworkPolicy", "metrics-from-monitoring")
    allowed = {p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]}
    assert allowed == set(SERVERS.values())
    for name, port in SERVERS.items():
        template = k8s("Deployment", name)["spec"]["template"]
        annotations = template["metadata"]["annotations"]
        assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": str(port), "prometheus.io/path": "/metrics"}
        ports = [p["containerPort"] for c in template["spec"]["containers"] for p in c.get("ports", [])]
        assert port in ports and template["metadata"]["labels"]["app.kubernetes.io/name"] == name


def test_the_relabelling_takes_the_annotated_port() -> None:
    scrape = yaml.safe_load(k8s("ConfigMap", "tpc-prometheus")["data"]["prometheus.yml"])
    [rule] = [r for r in scrape["scrape_configs"][0]["relabel_configs"] if r.get("target_label") == "__address__"]
    # Prometheus anchors relabel regexes; $1:$2 in its syntax is \1:\2 in Python's
    for address in ("10.1.2.3:8080", "10.1.2.3"):
        joined = f"{address};5055"
        assert re.fullmatch(rule["regex"], joined)
        assert re.sub(rule["regex"], rule["replacement"].replace("$", "\\"), joined) == "10.1.2.3:5055"


def promtool() -> str:
    found = shutil.which("promtool") or shutil.which("promtool", path=str(ROOT / ".venv-tools" / "bin"))
    if not found:
        pytest.skip("promtool is not installed here; make test-deploy runs it in the Prometheus image")
    return found


def test_promtool_checks_the_rules_and_runs_their_unit_tests() -> None:
    tool = promtool()
    for args in (["check", "rules", "alerts.yml"], ["test", "rules", "alerts.test.yml"]):
        done = subprocess.run([tool, *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
