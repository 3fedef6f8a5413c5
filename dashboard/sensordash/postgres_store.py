"""Reads the metric tables that `sensorctl setup` creates and `sensorctl job metrics` fills in PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import psycopg
from psycopg.rows import dict_row

from .settings import password_of, redact
from .snapshot import (
    JOB_COLUMNS, JOB_LIMIT, SENSOR_COLUMNS, SERIES_COLUMNS, SERIES_WINDOW_S, SUMMARY_COLUMNS, Snapshot,
    StoreUnavailable, frame,
)

CONNECT_TIMEOUT_S = 3

# The newest bucket width in use, then the buckets of that width within the window before the newest one.
SERIES_QUERY = f"""
    WITH width AS (
        SELECT bucket_ms, max(bucket_start) AS newest FROM metrics_series
        GROUP BY bucket_ms ORDER BY max(updated_at) DESC LIMIT 1)
    SELECT {", ".join("s." + c for c in SERIES_COLUMNS)}
    FROM metrics_series s JOIN width w ON s.bucket_ms = w.bucket_ms
    WHERE s.bucket_start > w.newest - make_interval(secs => {SERIES_WINDOW_S})
    ORDER BY s.bucket_start, s.sensor_type
"""


class PostgresStore:
    """One connection per URL, shared by every browser session (psycopg connections are thread-safe; the lock
    keeps each snapshot's queries together). A failed read drops the connection, so the next read reconnects:
    that is how the page recovers by itself when the server comes back."""

    name = "postgres"
    _connections: dict[str, psycopg.Connection] = {}
    _lock = threading.Lock()

    def __init__(self, url: str):
        self.url = url
        self.endpoint = redact(url)

    def read(self) -> Snapshot:
        with self._lock:
            try:
                return self._read(self._connection())
            except psycopg.Error as error:
                self._drop()
                if isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)):
                    raise StoreUnavailable("PostgreSQL", self.endpoint, self._reason(error)) from None
                raise

    def _connection(self) -> psycopg.Connection:
        connection = self._connections.get(self.url)
        if connection is None or connection.closed:
            connection = psycopg.connect(
                self.url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True, row_factory=dict_row,
                application_name="sensorctl-dashboard", options="-c TimeZone=UTC -c statement_timeout=10000")
            self._connections[self.url] = connection
        return connection

    def _drop(self) -> None:
        connection = self._connections.pop(self.url, None)
        if connection is not None:
            try:
                connection.close()
            except psycopg.Error:
                pass

    def _read(self, connection: psycopg.Connection) -> Snapshot:
        snapshot = Snapshot(store=self.name, endpoint=self.endpoint, read_at=datetime.now(timezone.utc))
        # One repeatable-read transaction: the sections agree with each other.
        with connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            present = connection.execute(
                "SELECT to_regclass('sensor_metrics') IS NOT NULL AND to_regclass('metrics_summary') IS NOT NULL"
                " AND to_regclass('metrics_series') IS NOT NULL AND to_regclass('job_runs') IS NOT NULL AS ok"
            ).fetchone()["ok"]
            if not present:
                snapshot.schema_missing = True
                return snapshot

            def rows(sql: str) -> list[dict]:
                return connection.execute(sql).fetchall()

            snapshot.sensors = frame(
                rows(f"SELECT {', '.join(SENSOR_COLUMNS)} FROM sensor_metrics ORDER BY sensor_id"), SENSOR_COLUMNS)
            snapshot.summary = frame(
                rows(f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM metrics_summary ORDER BY group_key"), SUMMARY_COLUMNS)
            snapshot.series = frame(rows(SERIES_QUERY), SERIES_COLUMNS)
            jobs = rows(
                f"SELECT {', '.join(c + '::text' if c == 'id' else c for c in JOB_COLUMNS)} FROM job_runs "
                f"ORDER BY started_at DESC LIMIT {JOB_LIMIT}")
            snapshot.jobs = frame(jobs, JOB_COLUMNS)
        return snapshot

    def _reason(self, error: Exception) -> str:
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        password = password_of(self.url)
        return text.replace(password, "***") if password else text
