"""Kafka 4.1 in KRaft mode: one JVM that is both broker and controller, from Maven jars."""

from __future__ import annotations

import base64
import shutil
import socket
import struct
import uuid
from pathlib import Path

from .common import RigError, ServerSpec, base_env, run_checked
from .install import Installation

NAME = "kafka"
PORTS = ("broker", "controller")
ENV_VAR = "MAILLAGE_TEST_KAFKA"

_LOG4J2_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/rig: console only, the rig redirects it to DIR/logs/kafka.log. -->
<Configuration status="WARN">
  <Appenders>
    <Console name="STDOUT" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="STDOUT"/></Root>
    <!-- Per-request and per-partition chatter drowns the lines that explain a failure. -->
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="kafka.log.LogCleaner" level="WARN"/>
    <Logger name="org.apache.kafka.storage.internals.log" level="WARN"/>
    <Logger name="org.apache.kafka.controller" level="WARN"/>
  </Loggers>
</Configuration>
"""


def _cluster_id() -> str:
    # Kafka's Uuid.toString(): 16 random bytes, URL-safe base64 without padding; Kafka never
    # hands out ids starting with '-' because the CLI would read them as a flag.
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def _server_properties(broker: int, controller: int, data: Path) -> str:
    return "\n".join(
        [
            "# Written by scripts/rig: single-node KRaft for tests.",
            "process.roles=broker,controller",
            "node.id=1",
            # Static quorum: with it, `format` needs no --standalone/--initial-controllers.
            f"controller.quorum.voters=1@127.0.0.1:{controller}",
            f"listeners=PLAINTEXT://127.0.0.1:{broker},CONTROLLER://127.0.0.1:{controller}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{broker}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            f"log.dirs={data}",
            "num.partitions=3",
            "default.replication.factor=1",
            "min.insync.replicas=1",
            "offsets.topic.replication.factor=1",
            # 50 partitions by default: the first consumer group would wait seconds for them.
            "offsets.topic.num.partitions=5",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=5",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "auto.create.topics.enable=true",
            "group.initial.rebalance.delay.ms=0",
            # After a kill -9 the restarted broker is refused (DUPLICATE_BROKER_REGISTRATION)
            # until its old session expires: 9 s by default, 4 s here. Heartbeats stay in-JVM.
            "broker.session.timeout.ms=4000",
            "broker.heartbeat.interval.ms=500",
            "",
        ]
    )


def _format_storage(java: str, classpath: str, log4j_opt: str, props: Path) -> None:
    run_checked(
        [
            java,
            "-Xmx256m",
            log4j_opt,
            "-cp",
            classpath,
            "kafka.tools.StorageTool",
            "format",
            "-t",
            _cluster_id(),
            "-c",
            str(props),
            "--ignore-formatted",
        ],
        "kafka storage format",
        env=base_env(),
    )


def prepare(rig_dir: Path, inst: Installation, ports: dict[str, int]) -> ServerSpec:
    base = rig_dir / "kafka"
    data = base / "data"
    data.mkdir(parents=True, exist_ok=True)
    broker, controller = ports["broker"], ports["controller"]
    props = base / "server.properties"
    props.write_text(_server_properties(broker, controller, data))
    log4j = base / "log4j2.xml"
    log4j.write_text(_LOG4J2_XML)
    java = str(inst.java_home / "bin" / "java")
    classpath = f"{inst.kafka_libs}/*"
    log4j_opt = f"-Dlog4j2.configurationFile={log4j}"
    _format_storage(java, classpath, log4j_opt, props)
    env = base_env()
    env["JAVA_HOME"] = str(inst.java_home)
    return ServerSpec(
        name=NAME,
        argv=[
            java,
            "-Xms256m",
            "-Xmx512m",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            log4j_opt,
            f"-Dkafka.logs.dir={rig_dir / 'logs'}",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(props),
        ],
        env=env,
        cwd=str(base),
        log=str(rig_dir / "logs" / "kafka.log"),
        user=None,  # Kafka does not mind root; keeping it root avoids chowning its data
        ports=dict(ports),
        stop_signal="SIGTERM",  # shutdown hook: controlled shutdown, clean log close
        stop_timeout=30.0,
    )


def wipe_data(rig_dir: Path, inst: Installation) -> None:
    """Lose the broker's log directories (topics, offsets and KRaft metadata alike) and format them
    again, as an operator replacing the disk would (`kafka-storage format`): the broker starts empty."""
    base = rig_dir / "kafka"
    data = base / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    java = str(inst.java_home / "bin" / "java")
    log4j_opt = f"-Dlog4j2.configurationFile={base / 'log4j2.xml'}"
    _format_storage(java, f"{inst.kafka_libs}/*", log4j_opt, base / "server.properties")


# --------------------------------------------------------------------------- readiness
# A hand-rolled Metadata request: stdlib only, and it proves the broker serves the protocol and
# knows itself, which an open port alone does not.


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        buf += chunk
    return bytes(buf)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, fmt: str) -> int:
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return int(value)

    def i32(self) -> int:
        return self._take(">i")

    def string(self) -> str | None:
        n = self._take(">h")
        if n < 0:
            return None
        raw = self.data[self.pos : self.pos + n]
        self.pos += n
        return raw.decode()


def metadata(port: int, timeout: float = 3.0) -> tuple[list[tuple[int, str | None, int]], str | None, int]:
    """(brokers as (id, host, port), cluster id, controller id) from a Metadata v4 request.

    v4 because Kafka 4.0 dropped v0-v3 (KIP-896), and it is the last non-flexible version,
    so no compact/varint encoding is needed.
    """
    client_id = b"maillage-rig"
    api_key, api_version, correlation_id = 3, 4, 7
    body = struct.pack(">hhih", api_key, api_version, correlation_id, len(client_id)) + client_id
    body += struct.pack(">ib", -1, 0)  # all topics (null array), allow_auto_topic_creation=false
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(body)) + body)
        (size,) = struct.unpack(">i", _recv_exact(sock, 4))
        r = _Reader(_recv_exact(sock, size))
    if r.i32() != correlation_id:
        raise RigError("kafka metadata: correlation id mismatch")
    r.i32()  # throttle_time_ms
    brokers = []
    for _ in range(r.i32()):
        node_id, host, bport = r.i32(), r.string(), r.i32()
        r.string()  # rack
        brokers.append((node_id, host, bport))
    cluster_id = r.string()
    controller_id = r.i32()
    return brokers, cluster_id, controller_id


def check_ready(spec: ServerSpec) -> bool:
    port = spec.ports["broker"]
    brokers, _cluster, controller = metadata(port)
    return controller >= 0 and any(p == port for _, _, p in brokers)


def after_ready(spec: ServerSpec) -> None:
    """Nothing to create: topics are auto-created on first use."""


def env_value(spec: ServerSpec) -> str:
    return f"127.0.0.1:{spec.ports['broker']}"
