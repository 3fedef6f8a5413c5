"""One read of a metrics store: plain pandas frames with the same columns whichever store they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

SENSOR_COLUMNS = [
    "sensor_id", "sensor_type", "health", "readings_total", "readings_normal", "readings_atypical",
    "readings_fault", "readings_out_of_range", "value_count", "value_mean", "value_stddev", "value_min",
    "value_max", "smoothed", "last_value", "first_seen", "last_seen", "updated_at",
]
SUMMARY_COLUMNS = [
    "group_key", "sensor_type", "sensors_total", "sensors_online", "healthy", "degraded", "failed",
    "readings_total", "readings_per_second", "computed_at",
]
SERIES_COLUMNS = ["sensor_type", "bucket_ms", "bucket_start", "readings", "mean", "updated_at"]
JOB_COLUMNS = [
    "id", "job", "engine", "status", "started_at", "finished_at", "readings_in", "readings_out", "rejected",
    "error",
]
# How far back the mean-over-time chart reaches from the newest bucket, and how many job runs are listed.
SERIES_WINDOW_S = 3600
JOB_LIMIT = 25


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows as a frame with exactly `columns` (missing fields become NaN/None), datetimes in UTC."""
    df = pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    for column in columns:
        if column.endswith(("_at", "_seen", "_start")):
            df[column] = pd.to_datetime(df[column], utc=True)
    return df


@dataclass
class Snapshot:
    store: str
    endpoint: str  # redacted
    read_at: datetime
    schema_missing: bool = False
    sensors: pd.DataFrame = field(default_factory=lambda: frame([], SENSOR_COLUMNS))
    summary: pd.DataFrame = field(default_factory=lambda: frame([], SUMMARY_COLUMNS))
    series: pd.DataFrame = field(default_factory=lambda: frame([], SERIES_COLUMNS))
    jobs: pd.DataFrame = field(default_factory=lambda: frame([], JOB_COLUMNS))

    @property
    def empty(self) -> bool:
        return self.schema_missing or self.sensors.empty


class StoreUnavailable(Exception):
    """The store could not be read. `endpoint` is redacted; `reason` never contains the password."""

    def __init__(self, store: str, endpoint: str, reason: str):
        super().__init__(f"{store} at {endpoint}: {reason}")
        self.store = store
        self.endpoint = endpoint
        self.reason = reason
