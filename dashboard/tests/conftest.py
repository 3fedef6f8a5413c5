"""Fixtures over the shared local stack (`make test` / `make dashboard-test` provide the SENSORCTL_* endpoints).

Each seeded test owns a PostgreSQL database, a MongoDB database and a Kafka topic, filled by the real pipeline:
`sensorctl setup`, `sensorctl generate --sink kafka,postgres`, `sensorctl job metrics --until-idle`. The readings
that `generate` also wrote to PostgreSQL's `sensor_readings` are the ground truth the page is checked against."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pymongo
import pytest

DASHBOARD = Path(__file__).resolve().parents[1]
REPO = DASHBOARD.parent
OUTPUT = REPO / "test-output" / "dashboard"
sys.path.insert(0, str(DASHBOARD))
sys.path.insert(0, str(REPO / "devstack"))  # tcp_proxy: the switchable forwarder the Swift tests use too

HINT = "run the tests with `make test` or `make dashboard-test` (or source .devstack/env)"


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: {HINT}")
    return value


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + path, parts.query, parts.fragment))


def closed_port() -> int:
    """A port on which nothing listens (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def sensorctl() -> str:
    binary = os.environ.get("SENSORCTL_BIN")
    if not binary:
        bin_path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True)
        binary = str(Path(bin_path.stdout.strip()) / "sensorctl")
    if not Path(binary).is_file():
        pytest.fail(f"sensorctl binary not found at {binary}: build it (make debug) or set SENSORCTL_BIN")
    return binary


@dataclass
class Truth:
    """What the generated readings say, computed from sensor_readings, independently of the metrics job."""
    per_sensor: Counter = field(default_factory=Counter)
    burned: set = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.per_sensor.values())


class Pipeline:
    """A private database pair and topic on the shared stack, seeded through the real sensorctl commands."""

    def __init__(self, binary: str, label: str):
        self.binary = binary
        suffix = uuid.uuid4().hex[:10]
        self.name = f"dash_{label}_{suffix}"
        base_pg = required("SENSORCTL_POSTGRES_URL")
        self.socket_dir = required("SENSORCTL_DEVSTACK_PG_SOCKET_DIR")
        self.pg_port = urlsplit(base_pg).port or 5432
        self.owner = urlsplit(base_pg).username
        self.postgres_url = with_path(base_pg, self.name)
        self.mongo_url = with_path(required("SENSORCTL_MONGO_URL"), self.name)
        self.topic = f"dash-{label}-{suffix}"
        self.brokers = required("SENSORCTL_KAFKA_BROKERS")
        with self._superuser() as admin:
            admin.execute(f'CREATE DATABASE "{self.name}" OWNER "{self.owner}"')

    def _superuser(self) -> psycopg.Connection:
        return psycopg.connect(host=self.socket_dir, port=self.pg_port, user="postgres", dbname="postgres",
                               autocommit=True)

    def env(self) -> dict[str, str]:
        return {"SENSORCTL_POSTGRES_URL": self.postgres_url, "SENSORCTL_MONGO_URL": self.mongo_url,
                "SENSORCTL_KAFKA_BROKERS": self.brokers, "SENSORCTL_TOPIC": self.topic}

    def run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        env = {**os.environ, **self.env()}
        result = subprocess.run([self.binary, *args], env=env, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            pytest.fail(f"sensorctl {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result

    def setup(self) -> Pipeline:
        self.run("setup", "--service", "postgres,mongo", "--quiet")
        return self

    def generate(self, count: int, sensors: int, seed: int, *extra: str) -> None:
        self.run("generate", "--sink", "kafka,postgres", "-n", str(count), "--sensors", str(sensors),
                 "--seed", str(seed), "--quiet", *extra)

    def job(self) -> None:
        self.run("job", "metrics", "--until-idle", "--group", self.name, "--quiet")

    def seed_standard(self) -> None:
        """300 good readings over 6 sensors, then 40 burned readings from 2 sensors of other types."""
        self.setup()
        self.generate(300, 6, 7)
        self.generate(40, 2, 11, "--type-data", "anomaly", "--sensor-types", "smoke,gas")
        self.job()

    def pg(self) -> psycopg.Connection:
        return psycopg.connect(self.postgres_url, autocommit=True)

    def truth(self) -> Truth:
        truth = Truth()
        with self.pg() as db:
            for sensor_id, count, faults in db.execute(
                    "SELECT sensor_id, count(*), count(*) FILTER (WHERE value IS NULL OR value = -1) "
                    "FROM sensor_readings GROUP BY sensor_id"):
                truth.per_sensor[sensor_id] = count
                if faults == count:
                    truth.burned.add(sensor_id)
        return truth

    def drop(self) -> None:
        with self._superuser() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        client = pymongo.MongoClient(self.mongo_url, serverSelectionTimeoutMS=3000)
        try:
            client.drop_database(self.name)
        finally:
            client.close()


@pytest.fixture
def new_pipeline(sensorctl, request):
    made = []

    def make(label: str) -> Pipeline:
        pipeline = Pipeline(sensorctl, label)
        made.append(pipeline)
        return pipeline

    yield make
    for pipeline in made:
        pipeline.drop()


@pytest.fixture(scope="module")
def seeded(sensorctl):
    pipeline = Pipeline(sensorctl, "seeded")
    try:
        pipeline.seed_standard()
        yield pipeline
    finally:
        pipeline.drop()


@pytest.fixture
def empty_databases(request):
    """A database pair with no pipeline at all: PostgreSQL database created (no tables), MongoDB name unused."""
    suffix = uuid.uuid4().hex[:10]
    name = f"dash_empty_{suffix}"
    base_pg = required("SENSORCTL_POSTGRES_URL")
    port = urlsplit(base_pg).port or 5432
    socket_dir = required("SENSORCTL_DEVSTACK_PG_SOCKET_DIR")
    with psycopg.connect(host=socket_dir, port=port, user="postgres", dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" OWNER "{urlsplit(base_pg).username}"')
    yield with_path(base_pg, name), with_path(required("SENSORCTL_MONGO_URL"), name)
    with psycopg.connect(host=socket_dir, port=port, user="postgres", dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
