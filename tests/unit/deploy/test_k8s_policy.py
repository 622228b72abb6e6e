"""Deployment policy of deploy/k8s, asserted on what kustomize renders for every overlay.

The schemas are checked by deploy/k8s/validate/check.sh (make k8s-check); this file checks our own rules:
probes, resources and a locked-down security context on every workload, only the gateway exposed, no
secret values, autoscaling for the gateway and matching, consumers not beyond partitions.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from common.service_tokens import KEYS_HELD

ROOT = Path(__file__).resolve().parents[3]
OVERLAYS = ROOT / "deploy" / "k8s" / "overlays"
KUSTOMIZE = Path(os.environ.get("MAILLAGE_K8S_CACHE", ROOT / ".cache" / "k8s")) / "bin" / "kustomize"
REQUIRE = os.environ.get("MAILLAGE_REQUIRE_SERVERS") == "1"


def _overlay_dirs() -> list[Path]:
    dirs = []
    for k in sorted(OVERLAYS.rglob("kustomization.yaml")):
        if yaml.safe_load(k.read_text()).get("kind") != "Component":
            dirs.append(k.parent)
    return dirs


APP_OVERLAYS = [d for d in _overlay_dirs() if d.parent == OVERLAYS]


def _render(overlay: Path) -> list[dict[str, Any]]:
    if not KUSTOMIZE.exists():
        message = f"{KUSTOMIZE} is missing: run deploy/k8s/validate/check.sh (make k8s-check) once"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)
    out = subprocess.run([str(KUSTOMIZE), "build", str(overlay)], capture_output=True, text=True, check=True)
    return [d for d in yaml.safe_load_all(out.stdout) if d]


@pytest.fixture(scope="module", params=_overlay_dirs(), ids=lambda p: str(p.relative_to(OVERLAYS)))
def rendered(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return _render(request.param)


def _of(objs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objs if o["kind"] == kind]


def _pod_specs(objs: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for o in objs:
        name = f"{o['kind']}/{o['metadata']['name']}"
        if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            yield name, o["spec"]["template"]["spec"]
        elif o["kind"] == "CronJob":
            yield name, o["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_overlays_exist() -> None:
    assert {d.name for d in APP_OVERLAYS} == {"dev", "prod"}
    assert len(_overlay_dirs()) >= 4, "each environment also has its release (migrations) kustomization"


def test_every_deployment_has_both_probes_on_the_health_endpoints(rendered: list[dict[str, Any]]) -> None:
    for d in _of(rendered, "Deployment"):
        for c in d["spec"]["template"]["spec"]["containers"]:
            where = f"{d['metadata']['name']}/{c['name']}"
            assert c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz", where
            assert c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz", where


def test_every_container_has_requests_and_limits(rendered: list[dict[str, Any]]) -> None:
    for name, spec in _pod_specs(rendered):
        for c in spec.get("initContainers", []) + spec["containers"]:
            res = c.get("resources", {})
            for part in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(res.get(part, {})), f"{name}/{c['name']} {part}"


def test_every_pod_is_non_root_read_only_and_without_capabilities(rendered: list[dict[str, Any]]) -> None:
    for name, spec in _pod_specs(rendered):
        pod = spec.get("securityContext", {})
        assert pod.get("runAsNonRoot") is True, name
        assert pod.get("runAsUser", 0) != 0, name
        assert spec.get("automountServiceAccountToken") is False, name
        tmp_volumes = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
        for c in spec.get("initContainers", []) + spec["containers"]:
            sc = c.get("securityContext", {})
            where = f"{name}/{c['name']}"
            assert sc.get("allowPrivilegeEscalation") is False, where
            assert sc.get("readOnlyRootFilesystem") is True, where
            assert sc.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not sc.get("capabilities", {}).get("add"), where
            assert sc.get("privileged") in (None, False), where
            mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
            assert mounts.get("/tmp") in tmp_volumes, f"{where}: /tmp must be an emptyDir"


def test_only_the_gateway_is_exposed(rendered: list[dict[str, Any]]) -> None:
    ingresses = _of(rendered, "Ingress")
    if not any(o["kind"] == "Deployment" for o in rendered):
        assert not ingresses
        return
    backends = {
        p["backend"]["service"]["name"]
        for i in ingresses
        for r in i["spec"]["rules"]
        for p in r["http"]["paths"]
    }
    assert backends == {"maillage-gateway"}
    for s in _of(rendered, "Service"):
        assert s["spec"].get("type", "ClusterIP") == "ClusterIP", s["metadata"]["name"]
    for name, spec in _pod_specs(rendered):
        assert not spec.get("hostNetwork"), name
        for c in spec["containers"]:
            assert not any("hostPort" in p for p in c.get("ports", [])), name


def test_network_policies_deny_by_default_and_admit_outsiders_only_to_the_gateway(
    rendered: list[dict[str, Any]],
) -> None:
    policies = _of(rendered, "NetworkPolicy")
    if not any(o["kind"] == "Deployment" for o in rendered):
        return
    deny = [
        p
        for p in policies
        if p["spec"]["podSelector"] == {} and not p["spec"].get("ingress") and not p["spec"].get("egress")
    ]
    assert deny and set(deny[0]["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    assert any(p["spec"]["podSelector"] == {} and p["spec"].get("egress") for p in policies), "DNS"
    for p in policies:
        for rule in p["spec"].get("ingress", []):
            if any("namespaceSelector" in peer for peer in rule.get("from", [])):
                labels = p["spec"]["podSelector"].get("matchLabels", {})
                expressions = p["spec"]["podSelector"].get("matchExpressions", [])
                keys = set(labels) | {e["key"] for e in expressions}
                # From another namespace: the ingress controller to the gateway, or operators to their pods.
                assert labels.get("maillage.io/role") == "gateway" or keys & {
                    "cnpg.io/cluster",
                    "strimzi.io/cluster",
                    "elasticsearch.k8s.elastic.co/cluster-name",
                }, p["metadata"]["name"]
            assert rule.get("from"), f"{p['metadata']['name']}: an ingress rule open to everyone"


def test_no_secret_carries_a_value(rendered: list[dict[str, Any]]) -> None:
    for s in _of(rendered, "Secret"):
        assert not s.get("data") and not s.get("stringData"), s["metadata"]["name"]
    for name, spec in _pod_specs(rendered):
        for c in spec["containers"]:
            for e in c.get("env", []):
                if any(w in e["name"] for w in ("PASSWORD", "SECRET", "TOKEN")):
                    assert "valueFrom" in e, f"{name}: {e['name']} must come from a Secret"


# The process each workload's command runs, as common.service_tokens names it (what keys it may hold).
_PROCESS_OF_COMMAND = {
    ("serve", "gateway"): "gateway",
    ("serve", "offers"): "offers",
    ("serve", "profiles"): "profiles",
    ("serve", "matching"): "matching",
    ("consume-serve", "matching"): "matching",
    ("consume", "matching"): "matching",
    ("reindex",): "matching",
}


def test_each_process_gets_the_service_token_keys_it_needs_and_no_private_key_it_must_not_hold(
    rendered: list[dict[str, Any]],
) -> None:
    """The gateway alone has the gateway's signing key; every service has the public key; matching (and
    its consumer and reindex job) its own system key; the keys, the JWT secret and the audit key come
    from Secrets (distributed mode refuses to start otherwise: common/service_tokens.py)."""
    seen = set()
    for name, spec in _pod_specs(rendered):
        for c in spec["containers"]:
            args = [a for a in c.get("args", []) if not a.startswith("-")]
            process = _PROCESS_OF_COMMAND.get(tuple(args[:2])) or _PROCESS_OF_COMMAND.get(tuple(args[:1]))
            env = {e["name"]: e for e in c.get("env", [])}
            keys = {n for n in env if n.endswith(("_SIGNING_KEY", "_PUBLIC_KEY"))}
            if process is None:
                assert not {n for n in keys if n.endswith("_SIGNING_KEY")}, f"{name}: holds a signing key"
                continue
            seen.add(process)
            needed = {f"MAILLAGE_{k.upper()}" for k, held in KEYS_HELD[process].items() if held}  # type: ignore[index]
            assert keys == needed, f"{name} ({process}): {sorted(keys)} instead of {sorted(needed)}"
            for variable in [*keys, "MAILLAGE_JWT_SECRET", "MAILLAGE_AUDIT_KEY"]:
                if variable in env:
                    assert "secretKeyRef" in env[variable].get("valueFrom", {}), f"{name}: {variable}"
            assert ("MAILLAGE_JWT_SECRET" in env) == (process == "gateway"), name
            assert ("MAILLAGE_AUDIT_KEY" in env) == (process == "profiles"), name
    if any(o["kind"] == "Deployment" for o in rendered):
        assert seen == {"gateway", "offers", "profiles", "matching"}


def test_autoscaling_for_gateway_and_matching_and_consumers_within_partitions(
    rendered: list[dict[str, Any]],
) -> None:
    if not any(o["kind"] == "Deployment" for o in rendered):
        return
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h["spec"] for h in _of(rendered, "HorizontalPodAutoscaler")}
    assert {"maillage-gateway", "maillage-matching"} <= set(hpas)
    partitions = {t["spec"]["topicName"]: t["spec"]["partitions"] for t in _of(rendered, "KafkaTopic")}
    assert partitions, "the topics are declared as KafkaTopics"
    consumed = min(partitions["maillage.offers.v1"], partitions["maillage.profiles.v1"])
    consumer = hpas.get("maillage-matching-consumer")
    assert consumer is not None and consumer["maxReplicas"] <= consumed
    config = next(
        c for c in _of(rendered, "ConfigMap") if c["metadata"]["name"].startswith("maillage-config")
    )
    assert int(config["data"]["MAILLAGE_TOPIC_PARTITIONS"]) == consumed


def test_every_deployment_has_a_disruption_budget(rendered: list[dict[str, Any]]) -> None:
    budgets = [p["spec"]["selector"]["matchLabels"] for p in _of(rendered, "PodDisruptionBudget")]
    for d in _of(rendered, "Deployment"):
        labels = d["spec"]["template"]["metadata"]["labels"]
        assert any(all(labels.get(k) == v for k, v in b.items()) for b in budgets), d["metadata"]["name"]


def test_the_scheduled_feed_reads_its_drop_folder_and_reaches_only_the_offers_store(
    rendered: list[dict[str, Any]],
) -> None:
    if not any(o["kind"] == "Deployment" for o in rendered):
        return  # the release overlays carry no application
    (feed,) = [c for c in _of(rendered, "CronJob") if c["metadata"]["name"] == "maillage-import-feed"]
    assert feed["spec"]["concurrencyPolicy"] == "Forbid" and not feed["spec"].get("suspend")
    pod = feed["spec"]["jobTemplate"]["spec"]["template"]
    assert pod["metadata"]["labels"]["maillage.io/role"] == "offers"  # the offers store's policy applies
    (container,) = pod["spec"]["containers"]
    args = container["args"]
    assert args[:2] == ["import-offers", "$(MAILLAGE_IMPORT_DROP_DIR)"]
    assert {"--partial", "--full-feed", "--archive"} <= set(args)
    config = next(
        c for c in _of(rendered, "ConfigMap") if c["metadata"]["name"].startswith("maillage-config")
    )
    drop = config["data"]["MAILLAGE_IMPORT_DROP_DIR"]
    assert {"MAILLAGE_TERRITORY", "MAILLAGE_REACH_BAND_KM", "MAILLAGE_IMPORT_FORMAT"} <= set(config["data"])
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    claim = volumes[mounts[drop]]["persistentVolumeClaim"]["claimName"]
    assert claim in {p["metadata"]["name"] for p in _of(rendered, "PersistentVolumeClaim")}
    env = {e["name"]: e for e in container.get("env", [])}
    assert "maillage-pg-offers-rw" in env["MAILLAGE_OFFERS_DATABASE_URL"]["value"]
