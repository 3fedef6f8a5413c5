"""From a snapshot to what the page shows: pure functions of (snapshot, now), so tests can check them directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from .snapshot import Snapshot

HEALTHS = ("healthy", "degraded", "failed")
HEALTH_COLOURS = {"healthy": "#c8f0d0", "degraded": "#ffe8a3", "failed": "#ffc4c4"}
STATUS_COLOURS = {"succeeded": "#c8f0d0", "running": "#d6e6ff", "failed": "#ffc4c4", "verify-failed": "#ffc4c4"}


@dataclass(frozen=True)
class Overview:
    sensors_total: int
    sensors_online: int
    healthy: int
    degraded: int
    failed: int
    readings_total: int
    readings_per_second: float | None
    last_update: pd.Timestamp | None
    age_s: float | None
    stale: bool


def online_mask(sensors: pd.DataFrame, now: datetime, ttl_s: float) -> pd.Series:
    """Online = the latest reading's timestamp is within the TTL of now (boundary included; future = online),
    the rule of HealthRules.isOnline, judged at the moment the page is drawn rather than when the job ran."""
    age = (pd.Timestamp(now) - sensors["last_seen"]).dt.total_seconds()
    return sensors["last_seen"].notna() & (age <= ttl_s)


def last_update(snapshot: Snapshot) -> pd.Timestamp | None:
    times = [snapshot.sensors["updated_at"].max(), snapshot.summary["computed_at"].max()]
    times = [t for t in times if t is not None and not pd.isna(t)]
    return max(times) if times else None


def overview(snapshot: Snapshot, now: datetime, online_ttl_s: float, stale_s: float) -> Overview:
    sensors = snapshot.sensors
    health = sensors["health"].value_counts()
    overall = snapshot.summary[snapshot.summary["group_key"] == "all"]
    rate = overall["readings_per_second"].iloc[0] if not overall.empty else None
    updated = last_update(snapshot)
    age = (pd.Timestamp(now) - updated).total_seconds() if updated is not None else None
    return Overview(
        sensors_total=len(sensors),
        sensors_online=int(online_mask(sensors, now, online_ttl_s).sum()),
        healthy=int(health.get("healthy", 0)),
        degraded=int(health.get("degraded", 0)),
        failed=int(health.get("failed", 0)),
        readings_total=int(sensors["readings_total"].fillna(0).sum()),
        readings_per_second=None if rate is None or pd.isna(rate) else float(rate),
        last_update=updated,
        age_s=age,
        stale=age is None or age > stale_s,
    )


def _percent(part: pd.Series, total: pd.Series) -> pd.Series:
    return (100.0 * part.astype(float) / total.astype(float).where(total > 0)).round(1)


def _mean_pm(mean: float | None, stddev: float | None) -> str:
    if mean is None or pd.isna(mean):
        return "—"
    if stddev is None or pd.isna(stddev):
        return f"{mean:.2f}"
    return f"{mean:.2f} ± {stddev:.2f}"


def sensors_table(snapshot: Snapshot, now: datetime, online_ttl_s: float,
                  types: list[str] | None = None, healths: list[str] | None = None) -> pd.DataFrame:
    """One row per sensor, in the order and with the labels the page shows."""
    s = snapshot.sensors
    if types:
        s = s[s["sensor_type"].isin(types)]
    if healths:
        s = s[s["health"].isin(healths)]
    age = (pd.Timestamp(now) - s["last_seen"]).dt.total_seconds()
    return pd.DataFrame({
        "Sensor": s["sensor_id"],
        "Type": s["sensor_type"],
        "Health": s["health"],
        "Online": online_mask(s, now, online_ttl_s),
        "Smoothed": s["smoothed"].astype(float).round(2),
        "Mean ± stddev": [_mean_pm(m, d) for m, d in zip(s["value_mean"], s["value_stddev"])],
        "Min": s["value_min"].astype(float),
        "Max": s["value_max"].astype(float),
        "Fault %": _percent(s["readings_fault"], s["readings_total"]),
        "Atypical %": _percent(s["readings_atypical"], s["readings_total"]),
        "Readings": s["readings_total"].astype("Int64"),
        "Last seen": s["last_seen"],
        "Seen (s ago)": age.round(0),
    }).reset_index(drop=True)


def series_frame(snapshot: Snapshot) -> pd.DataFrame:
    """Long format for a line chart: time, type, smoothed mean of the valid values in that bucket."""
    series = snapshot.series
    return pd.DataFrame({
        "time": series["bucket_start"],
        "sensor type": series["sensor_type"],
        "mean": series["mean"].astype(float),
    })


def jobs_table(snapshot: Snapshot, now: datetime) -> pd.DataFrame:
    jobs = snapshot.jobs
    end = jobs["finished_at"].fillna(pd.Timestamp(now))
    return pd.DataFrame({
        "Job": jobs["job"],
        "Engine": jobs["engine"],
        "Status": jobs["status"],
        "Started": jobs["started_at"],
        "Duration (s)": (end - jobs["started_at"]).dt.total_seconds().round(2),
        "Readings in": jobs["readings_in"].astype("Int64"),
        "Readings out": jobs["readings_out"].astype("Int64"),
        "Rejected": jobs["rejected"].astype("Int64"),
        "Error": jobs["error"].fillna(""),
        "Run id": jobs["id"],
    }).reset_index(drop=True)


def age_text(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    seconds = max(seconds, 0)
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h ago"
    return f"{seconds / 86400:.0f} days ago"
