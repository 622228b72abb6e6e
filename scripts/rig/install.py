"""``python -m scripts.rig install``: fetch and prepare every engine into the cache, idempotently.

Each step checks a marker first, so calling this before every ``start`` costs milliseconds.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pwd
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import POM, RIG_USER, RigError, Versions, cache_dir, pinned_versions, run_checked, say

# ES 8.19 supports Java 17 to 24; Kafka 4.1 brokers need 17+. Prefer 17 (this machine's default
# and the floor both are tested on), then 21; Temurin 25 is only for a future ES 9.
_JAVA_PREFERENCE = (17, 21)


@dataclass(frozen=True)
class Installation:
    versions: Versions
    java_home: Path
    kafka_libs: Path  # directory of jars: the broker's classpath is "<kafka_libs>/*"
    es_home: Path
    pg_bin: Path
    pg_version: str
    run_as: str | None  # None when the rig is not root: servers then run as the invoking user


def ensure_installed(verbose: bool = False) -> Installation:
    """Install what is missing. ``verbose`` also reports the steps that were already done."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)

    def note(msg: str) -> None:
        if verbose:
            say(msg)

    with _cache_lock(cache):  # two concurrent rigs must not both unpack into the same place
        versions = pinned_versions()
        java_home = _ensure_java(note)
        _ensure_tool("mvn", "maven")
        kafka_libs = _ensure_kafka(cache, versions, note)
        es_home = _ensure_es(cache, versions, note)
        pg_bin, pg_version = _ensure_postgres(note)
        run_as = _ensure_user(note)
    return Installation(versions, java_home, kafka_libs, es_home, pg_bin, pg_version, run_as)


@contextlib.contextmanager
def _cache_lock(cache: Path) -> Iterator[None]:
    with open(cache / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


# --------------------------------------------------------------------------- apt

_apt_updated = False


def _apt_install(*packages: str) -> None:
    global _apt_updated
    if os.geteuid() != 0:
        raise RigError(f"need root to apt-get install {' '.join(packages)}; install them and retry")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        say("apt-get update")
        run_checked(["apt-get", "update"], "apt-get update", env=env)
        _apt_updated = True
    say(f"apt-get install -y {' '.join(packages)}")
    run_checked(["apt-get", "install", "-y", *packages], "apt-get install", env=env)


def _ensure_tool(tool: str, package: str) -> None:
    if shutil.which(tool) is None:
        _apt_install(package)


# --------------------------------------------------------------------------- Java


def java_major(home: Path) -> int | None:
    """Major version from the JDK's ``release`` file (no JVM start needed)."""
    try:
        text = (home / "release").read_text()
    except OSError:
        return None
    m = re.search(r'^JAVA_VERSION="(?:1\.)?(\d+)', text, re.MULTILINE)
    return int(m.group(1)) if m and (home / "bin" / "java").exists() else None


def find_java_home() -> Path | None:
    override = os.environ.get("MAILLAGE_RIG_JAVA_HOME")
    if override:
        return Path(override)
    homes: dict[int, Path] = {}
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        for cand in sorted(jvm.iterdir()):
            major = java_major(cand)
            if major is not None:
                homes.setdefault(major, cand.resolve())
    on_path = shutil.which("java")
    if on_path:
        home = Path(os.path.realpath(on_path)).parents[1]
        major = java_major(home)
        if major is not None:
            homes.setdefault(major, home)
    for major in _JAVA_PREFERENCE:
        if major in homes:
            return homes[major]
    usable = [m for m in homes if 17 <= m <= 24]
    return homes[min(usable)] if usable else None


def _ensure_java(note: Callable[[str], None]) -> Path:
    home = find_java_home()
    if home is None:
        _apt_install("openjdk-17-jre-headless")
        home = find_java_home()
        if home is None:
            raise RigError("no Java 17-24 found even after installing openjdk-17-jre-headless")
    note(f"java {java_major(home)} at {home}")
    return home


# --------------------------------------------------------------------------- Maven artifacts


def _mvn(*args: str) -> None:
    # -B: no colour codes or progress bars in captured output; -q: only errors.
    run_checked(["mvn", "-B", "-q", "-f", str(POM), *args], "maven")


def _ensure_kafka(cache: Path, v: Versions, note: Callable[[str], None]) -> Path:
    dest = cache / f"kafka-{v.kafka}-log4j-{v.log4j}"
    if (dest / ".complete").exists():
        note(f"kafka {v.kafka} (log4j {v.log4j}) jars: cached in {dest}")
        return dest
    say(f"fetching kafka_2.13 {v.kafka} + log4j {v.log4j} jars from Maven Central")
    partial = cache / f".{dest.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    _mvn("dependency:copy-dependencies", f"-DoutputDirectory={partial}")
    if not list(partial.glob(f"kafka_2.13-{v.kafka}.jar")):
        raise RigError(f"maven did not produce kafka_2.13-{v.kafka}.jar in {partial}")
    (partial / ".complete").touch()
    shutil.rmtree(dest, ignore_errors=True)
    partial.rename(dest)  # atomic: a half-downloaded classpath is never picked up
    say(f"kafka jars ready: {dest}")
    return dest


def _ensure_es(cache: Path, v: Versions, note: Callable[[str], None]) -> Path:
    dest = cache / f"elasticsearch-{v.es}"
    if (dest / ".complete").exists():
        note(f"elasticsearch {v.es}: cached in {dest}")
        return dest
    say(f"fetching elasticsearch {v.es} (integ-test-zip) from Maven Central")
    partial = cache / ".es-unpack"
    shutil.rmtree(partial, ignore_errors=True)
    _mvn("dependency:unpack", f"-Drig.es.dir={partial}")
    unpacked = partial / f"elasticsearch-{v.es}"
    if not (unpacked / "bin" / "elasticsearch").exists():
        raise RigError(f"maven did not unpack elasticsearch into {unpacked}")
    # The zip's config/ files are 0660 root: make the tree readable by the unprivileged rig user
    # (config is copied per run anyway; lib/ and modules/ must be readable in place).
    subprocess.run(["chmod", "-R", "a+rX", str(unpacked)], check=True)
    (unpacked / ".complete").touch()
    shutil.rmtree(dest, ignore_errors=True)
    unpacked.rename(dest)
    shutil.rmtree(partial, ignore_errors=True)
    say(f"elasticsearch ready: {dest}")
    return dest


# --------------------------------------------------------------------------- PostgreSQL

_PG_TOOLS = ("initdb", "pg_ctl", "postgres", "psql", "pg_isready")


def find_pg_bin() -> tuple[Path, str] | None:
    found: list[tuple[int, Path]] = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        version = bindir.parent.name
        if version.isdigit() and all((bindir / t).exists() for t in _PG_TOOLS):
            found.append((int(version), bindir))
    if not found:
        return None
    major, best = max(found)
    return best, str(major)


def _ensure_postgres(note: Callable[[str], None]) -> tuple[Path, str]:
    found = find_pg_bin()
    if found is None:
        _apt_install("postgresql")
        found = find_pg_bin()
        if found is None:
            raise RigError("apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb appeared")
    bindir, version = found
    note(f"postgresql {version} at {bindir}")
    return bindir, version


# --------------------------------------------------------------------------- user


def _ensure_user(note: Callable[[str], None]) -> str | None:
    if os.geteuid() != 0:
        note("not root: servers will run as the current user")
        return None
    try:
        pwd.getpwnam(RIG_USER)
    except KeyError:
        say(f"creating system user {RIG_USER}")
        run_checked(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                RIG_USER,
            ],
            "useradd",
        )
    else:
        note(f"user {RIG_USER} exists")
    return RIG_USER
