"""Elasticsearch 8.19 from the minimal integ-test-zip distribution, as the unprivileged rig user.

That distribution carries only the server plus modules apm, transport-netty4, x-pack-core and
x-pack-security. Checked by hand on 8.19.21: dense_vector (incl. int8_hnsw), kNN with filters,
geo_point/geo_distance, bool, terms/cardinality/percentiles aggregations, bulk, _update and
aliases work. Missing: ``GET /`` and ``HEAD /`` (405, so the Python client's info()/ping() fail),
painless (no script_score scripts), _reindex, _update_by_query, _delete_by_query, analysis-common
(lowercase works, asciifolding and the french analyzer do not), ingest processors, mapper-extras
(scaled_float, rank_feature), the aggregations module (bucket_sort) and geo_shape.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

from .common import RigError, ServerSpec, base_env, chown_tree, say, user_can_access
from .install import Installation

NAME = "es"
PORTS = ("http", "transport")
ENV_VAR = "MAILLAGE_TEST_ES"


def _es_home(rig_dir: Path, inst: Installation) -> Path:
    """The cached distribution, or a hard-linked copy when the rig user cannot reach the cache.

    The cache may sit under a directory the rig user cannot traverse (e.g. /root); links under
    DIR cost no space and keep the cached files untouched.
    """
    home = inst.es_home
    jar = home / "lib" / f"elasticsearch-{inst.versions.es}.jar"
    if user_can_access(inst.run_as, jar, home / "modules", home / "bin" / "elasticsearch"):
        return home
    copy = rig_dir / "es" / "home"
    say(f"es: {home} not readable by {inst.run_as}; linking a copy into {copy}")

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(home, copy, copy_function=link_or_copy, symlinks=True)
    return copy


def _jvm_options(src: Path, logs: Path) -> str:
    """The distribution's jvm.options minus file-relative paths the rig user could not write."""
    out = []
    for line in src.read_text().splitlines():
        if line.startswith("-Xlog:gc"):
            # Relative "gc.log" would land in the working dir; GC logs are not worth the disk here.
            continue
        if line.startswith("-XX:ErrorFile="):
            line = f"-XX:ErrorFile={logs}/hs_err_pid%p.log"
        out.append(line)
    out.append(f"-XX:HeapDumpPath={logs}")
    return "\n".join(out) + "\n"


def _elasticsearch_yml(ports: dict[str, int], data: Path, logs: Path) -> str:
    return "\n".join(
        [
            "# Written by scripts/rig: single node for tests.",
            "cluster.name: maillage-rig",
            "node.name: rig-1",
            "discovery.type: single-node",
            "network.host: 127.0.0.1",
            f"http.port: {ports['http']}",
            f"transport.port: {ports['transport']}",
            f"path.data: {data}",
            f"path.logs: {logs}",
            "xpack.security.enabled: false",
            # Test machines can be nearly full; the default watermarks would block writes.
            "cluster.routing.allocation.disk.threshold_enabled: false",
            # Lets tests clean up with wildcard index deletes.
            "action.destructive_requires_name: false",
            "",
        ]
    )


def prepare(rig_dir: Path, inst: Installation, ports: dict[str, int]) -> ServerSpec:
    base = rig_dir / "es"
    conf, data, tmp = base / "config", base / "data", base / "tmp"
    logs = rig_dir / "logs" / "es"
    for d in (data, tmp, logs):
        d.mkdir(parents=True, exist_ok=True)
    home = _es_home(rig_dir, inst)
    # Own config dir (ES_PATH_CONF): ES writes its keystore there, and the cached one is shared.
    shutil.copytree(home / "config", conf, dirs_exist_ok=True)
    (conf / "jvm.options").write_text(_jvm_options(home / "config" / "jvm.options", logs))
    (conf / "elasticsearch.yml").write_text(_elasticsearch_yml(ports, data, logs))
    chown_tree(base, inst.run_as)
    chown_tree(logs, inst.run_as)
    env = base_env()
    heap = os.environ.get("MAILLAGE_RIG_ES_HEAP", "512m")
    env.update(
        {
            "ES_JAVA_HOME": str(inst.java_home),
            # -XX:-UsePerfData: no /tmp/hsperfdata_* left behind (jps/jstat lose sight, tests do not care).
            # The heap: 512 MB suits the tests; `make bench-scale` merges a million-vector graph and asks
            # for more through MAILLAGE_RIG_ES_HEAP.
            "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap} -XX:-UsePerfData",
            # The launcher JVM probes flags in "final-flags*" dirs under its own java.io.tmpdir and
            # leaves them there: point it into DIR too.
            "CLI_JAVA_OPTS": f"-Djava.io.tmpdir={tmp} -XX:-UsePerfData",
            "ES_PATH_CONF": str(conf),
            "ES_TMPDIR": str(tmp),
            "HOME": str(base),
        }
    )
    return ServerSpec(
        name=NAME,
        argv=[str(home / "bin" / "elasticsearch")],
        env=env,
        cwd=str(base),
        log=str(rig_dir / "logs" / "es.log"),
        user=inst.run_as,
        ports=dict(ports),
        # The launcher JVM is the process-group leader; on SIGTERM it stops the server JVM it spawned.
        stop_signal="SIGTERM",
        stop_timeout=30.0,
        extra={"home": str(home)},
    )


def wipe_data(rig_dir: Path, inst: Installation) -> None:
    """Lose the node's data directory (every index, the cluster state): the node starts empty."""
    data = rig_dir / "es" / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    chown_tree(data, inst.run_as)


def health(port: int, timeout: float = 5.0) -> dict[str, object]:
    # /_cluster/health rather than GET /: the minimal distribution has no root endpoint.
    url = f"http://127.0.0.1:{port}/_cluster/health?wait_for_status=yellow&timeout={int(timeout)}s"
    try:
        with urllib.request.urlopen(url, timeout=timeout + 5) as resp:
            body: dict[str, object] = json.load(resp)
    except urllib.error.HTTPError as exc:
        # 408 with a body: answered, but not yellow yet.
        if exc.code == 408:
            return {"status": "red", "timed_out": True}
        raise
    return body


def check_ready(spec: ServerSpec) -> bool:
    status = health(spec.ports["http"], timeout=2.0).get("status")
    if status in ("yellow", "green"):
        return True
    if status is None:
        raise RigError("es: health answer without status")
    return False


def after_ready(spec: ServerSpec) -> None:
    """Nothing to create: tests make their own indices."""


def env_value(spec: ServerSpec) -> str:
    return f"http://127.0.0.1:{spec.ports['http']}"
