"""Reads the metric collections (same names and fields as the PostgreSQL tables) from MongoDB."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pymongo
from pymongo.errors import PyMongoError

from .settings import password_of, redact
from .snapshot import (
    JOB_COLUMNS, JOB_LIMIT, SENSOR_COLUMNS, SERIES_COLUMNS, SERIES_WINDOW_S, SUMMARY_COLUMNS, Snapshot,
    StoreUnavailable, frame,
)

TIMEOUT_MS = 2000


def _projection(columns: list[str], id_as: str | None) -> dict:
    projection = {column: 1 for column in columns if column != id_as}
    if id_as is None:
        projection["_id"] = 0
    return projection


def _rename_id(documents: list[dict], id_as: str | None) -> list[dict]:
    if id_as is not None:
        for document in documents:
            document[id_as] = str(document.pop("_id", ""))
    return documents


class MongoStore:
    """One MongoClient per URL (it pools and reconnects by itself); the database is the URL's path."""

    name = "mongo"
    _clients: dict[str, pymongo.MongoClient] = {}
    _lock = threading.Lock()

    def __init__(self, url: str):
        self.url = url
        self.endpoint = redact(url)

    def _client(self) -> pymongo.MongoClient:
        with self._lock:
            client = self._clients.get(self.url)
            if client is None:
                client = pymongo.MongoClient(
                    self.url, tz_aware=True, serverSelectionTimeoutMS=TIMEOUT_MS, connectTimeoutMS=TIMEOUT_MS,
                    socketTimeoutMS=10 * TIMEOUT_MS, appname="sensorctl-dashboard")
                self._clients[self.url] = client
            return client

    def read(self) -> Snapshot:
        try:
            return self._read(self._client().get_default_database("sensorctl"))
        except PyMongoError as error:  # connection, selection timeout, authentication: all "cannot read"
            raise StoreUnavailable("MongoDB", self.endpoint, self._reason(error)) from None

    def _read(self, db) -> Snapshot:
        snapshot = Snapshot(store=self.name, endpoint=self.endpoint, read_at=datetime.now(timezone.utc))
        present = set(db.list_collection_names())
        if "sensor_metrics" not in present:
            snapshot.schema_missing = "job_runs" not in present  # setup has not run at all
            return snapshot

        def find(collection: str, columns: list[str], id_as: str | None, query=None, sort=None, limit=0):
            cursor = db[collection].find(query or {}, _projection(columns, id_as))
            if sort:
                cursor = cursor.sort(sort)
            if limit:
                cursor = cursor.limit(limit)
            return _rename_id(list(cursor), id_as)

        sensors = find("sensor_metrics", SENSOR_COLUMNS, "sensor_id")
        snapshot.sensors = frame(sorted(sensors, key=lambda d: d["sensor_id"]), SENSOR_COLUMNS)
        summary = find("metrics_summary", SUMMARY_COLUMNS, "group_key")
        snapshot.summary = frame(sorted(summary, key=lambda d: d["group_key"]), SUMMARY_COLUMNS)
        newest = find("metrics_series", SERIES_COLUMNS, None, sort=[("updated_at", -1)], limit=1)
        if newest:
            width = newest[0]["bucket_ms"]
            last = find("metrics_series", ["bucket_start"], None, {"bucket_ms": width},
                        sort=[("bucket_start", -1)], limit=1)[0]["bucket_start"]
            series = find("metrics_series", SERIES_COLUMNS, None,
                          {"bucket_ms": width, "bucket_start": {"$gt": last - timedelta(seconds=SERIES_WINDOW_S)}},
                          sort=[("bucket_start", 1), ("sensor_type", 1)])
            snapshot.series = frame(series, SERIES_COLUMNS)
        jobs = find("job_runs", JOB_COLUMNS, "id", sort=[("started_at", -1)], limit=JOB_LIMIT)
        snapshot.jobs = frame(jobs, JOB_COLUMNS)
        return snapshot

    def _reason(self, error: Exception) -> str:
        # pymongo appends the whole topology description after "Timeout:"; the first part says what failed.
        text = str(error).split(", Timeout:")[0].strip() or type(error).__name__
        text = text.splitlines()[0]
        password = password_of(self.url)
        return text.replace(password, "***") if password else text
