"""Pure pieces: endpoint redaction, settings, and the overview arithmetic on a hand-made snapshot."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sensordash import present
from sensordash.settings import Settings, SettingsError, redact
from sensordash.snapshot import SENSOR_COLUMNS, SUMMARY_COLUMNS, Snapshot, frame

NOW = datetime(2026, 12, 4, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("url, shown", [
    ("postgresql://sensorctl:pw@127.0.0.1:5432/db", "postgresql://sensorctl:***@127.0.0.1:5432/db"),
    ("postgresql://sensorctl@127.0.0.1:5432/db", "postgresql://sensorctl@127.0.0.1:5432/db"),
    ("postgresql://u@h/db?password=pw&sslmode=require", "postgresql://u@h/db?password=***&sslmode=require"),
    ("mongodb://a:b%40c@h1:1,h2:2/db?authSource=admin", "mongodb://a:***@h1:1,h2:2/db?authSource=admin"),
    ("mongodb://127.0.0.1:27017/sensorctl", "mongodb://127.0.0.1:27017/sensorctl"),
])
def test_redact(url, shown):
    assert redact(url) == shown


def test_settings_defaults_and_errors():
    settings = Settings.from_env({})
    assert settings.store == "postgres" and settings.refresh_s == 2 and settings.online_ttl_s == 30
    assert settings.url("mongo") == "mongodb://127.0.0.1:27017/sensorctl"
    assert Settings.from_env({"SENSORCTL_DASHBOARD_STORE": "Mongo"}).store == "mongo"
    with pytest.raises(SettingsError, match="SENSORCTL_DASHBOARD_STORE"):
        Settings.from_env({"SENSORCTL_DASHBOARD_STORE": "mysql"})
    with pytest.raises(SettingsError, match="SENSORCTL_DASHBOARD_REFRESH_S"):
        Settings.from_env({"SENSORCTL_DASHBOARD_REFRESH_S": "soon"})


def sensor(sensor_id: str, health: str, seen_ago_s: float, total: int = 10, fault: int = 0) -> dict:
    row = {column: None for column in SENSOR_COLUMNS}
    row.update(sensor_id=sensor_id, sensor_type=sensor_id.split("-")[0], health=health, readings_total=total,
               readings_fault=fault, readings_atypical=1, value_mean=90.0, value_stddev=2.5, smoothed=91.0,
               last_seen=NOW - timedelta(seconds=seen_ago_s), updated_at=NOW - timedelta(seconds=5))
    return row


def test_overview_counts_and_online_boundary():
    snapshot = Snapshot(store="postgres", endpoint="x", read_at=NOW)
    snapshot.sensors = frame([sensor("a-001", "healthy", 0), sensor("a-002", "degraded", 30),
                              sensor("b-001", "failed", 30.5, fault=10), sensor("b-002", "healthy", -3)],
                             SENSOR_COLUMNS)
    snapshot.summary = frame([{"group_key": "all", "readings_per_second": 4.5, "computed_at": NOW - timedelta(seconds=2)}],
                             SUMMARY_COLUMNS)
    view = present.overview(snapshot, NOW, online_ttl_s=30, stale_s=60)
    # 30 s is online (boundary included), 30.5 s is not, a reading from the future counts as online.
    assert (view.sensors_total, view.sensors_online) == (4, 3)
    assert (view.healthy, view.degraded, view.failed) == (2, 1, 1)
    assert view.readings_total == 40 and view.readings_per_second == 4.5
    assert view.age_s == 2 and not view.stale
    assert present.overview(snapshot, NOW + timedelta(seconds=61), 30, 60).stale
    table = present.sensors_table(snapshot, NOW, 30, healths=["failed"])
    assert list(table["Sensor"]) == ["b-001"] and table["Fault %"][0] == 100.0
    assert list(present.sensors_table(snapshot, NOW, 30, types=["a"])["Mean ± stddev"]) == ["90.00 ± 2.50"] * 2
