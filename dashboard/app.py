"""sensorctl live dashboard (Streamlit): the per-sensor metrics that `sensorctl job metrics` keeps in
PostgreSQL or MongoDB. Run it with `make dashboard`; it reads the same SENSORCTL_* endpoints as the CLI."""

from __future__ import annotations

from datetime import datetime, timezone

import altair as alt
import pandas as pd
import streamlit as st

from sensordash import present
from sensordash.mongo_store import MongoStore
from sensordash.postgres_store import PostgresStore
from sensordash.settings import STORE_LABELS, STORES, Settings, SettingsError, redact
from sensordash.snapshot import StoreUnavailable

st.set_page_config(page_title="sensorctl dashboard", page_icon=":material/sensors:", layout="wide")

try:
    settings = Settings.from_env()
except SettingsError as error:
    st.error(f"Configuration error: {error}")
    st.stop()

with st.sidebar:
    st.header("sensorctl")
    store_name = st.radio(
        "Metrics store", STORES, index=STORES.index(settings.store), format_func=STORE_LABELS.get, key="store",
        help="Default: SENSORCTL_DASHBOARD_STORE (postgres or mongo). The metrics jobs write both.")
    st.caption(f"Endpoint: `{redact(settings.url(store_name))}`")
    st.caption(f"Refreshes every {settings.refresh_s:g} s · online = seen within {settings.online_ttl_s:g} s")

st.title("Sensor metrics")

EMPTY_STEPS = """
```
sensorctl setup
sensorctl generate --sink kafka -n 1000
sensorctl job metrics --until-idle
```
(or `make demo`, which does all of it on the local stack)."""


def open_store(name: str):
    url = settings.url(name)
    return PostgresStore(url) if name == "postgres" else MongoStore(url)


def render_overview(view: present.Overview) -> None:
    st.header("Overview")
    if view.stale:
        st.warning(
            f"Metrics are stale: last update {present.age_text(view.age_s)} "
            f"(older than {settings.stale_s:g} s). Is `sensorctl job metrics` running?", icon=":material/warning:")
    columns = st.columns(6)
    columns[0].metric("Sensors online", f"{view.sensors_online} / {view.sensors_total}")
    columns[1].metric("Healthy", view.healthy)
    columns[2].metric("Degraded", view.degraded)
    columns[3].metric("Failed", view.failed)
    rate = "—" if view.readings_per_second is None else f"{view.readings_per_second:,.1f}"
    columns[4].metric("Readings per second", rate)
    columns[5].metric("Readings", f"{view.readings_total:,}".replace(",", " "))
    updated = "never" if view.last_update is None else view.last_update.strftime("%Y-%m-%d %H:%M:%S UTC")
    st.caption(f"Last update: {updated} ({present.age_text(view.age_s)})")


def styled(table: pd.DataFrame, column: str, colours: dict[str, str]):
    """The table with `column` coloured by value. A Styler's display strings win over column_config formats in
    the grid, so numbers and times are formatted here."""
    def colour(value):
        return f"background-color: {colours[value]}" if value in colours else ""

    formats = {}
    for name, dtype in table.dtypes.items():
        if isinstance(dtype, pd.DatetimeTZDtype):
            formats[name] = lambda t: "" if pd.isna(t) else t.strftime("%Y-%m-%d %H:%M:%S")
        elif pd.api.types.is_float_dtype(dtype):
            digits = 1 if name.endswith("%") else (0 if name.endswith("ago)") else 2)
            formats[name] = lambda x, d=digits: "—" if pd.isna(x) else f"{x:.{d}f}"
    return table.style.map(colour, subset=[column]).format(formats)


def render_sensors(snapshot, now: datetime) -> None:
    st.header("Sensors")
    left, right = st.columns(2)
    types = sorted(snapshot.sensors["sensor_type"].dropna().unique())
    chosen_types = left.multiselect("Type", types, key="filter_types", placeholder="All types")
    chosen_healths = right.multiselect("Health", present.HEALTHS, key="filter_healths", placeholder="All")
    table = present.sensors_table(snapshot, now, settings.online_ttl_s, chosen_types, chosen_healths)
    st.dataframe(
        styled(table, "Health", present.HEALTH_COLOURS),
        hide_index=True,
        placeholder="—",
        column_config={
            "Online": st.column_config.CheckboxColumn("Online"),
            "Smoothed": st.column_config.NumberColumn(help="Time-decayed EWMA of the valid values"),
            "Last seen": st.column_config.Column(help="Timestamp of the latest reading (UTC)"),
        },
    )
    st.caption(f"{len(table)} of {len(snapshot.sensors)} sensors")


def render_series(snapshot) -> None:
    st.header("Mean over time")
    series = present.series_frame(snapshot)
    if series.empty:
        st.info("No time-series buckets yet.")
        return
    width = int(snapshot.series["bucket_ms"].iloc[-1])
    # Points as well as lines: a type with a single bucket so far is still visible.
    chart = alt.Chart(series).mark_line(point=True).encode(
        x=alt.X("time:T", title="bucket start (UTC)", axis=alt.Axis(format="%H:%M:%S")),
        y=alt.Y("mean:Q", title="mean of valid values", scale=alt.Scale(zero=False)),
        color=alt.Color("sensor type:N", title="sensor type"),
        tooltip=[alt.Tooltip("time:T", format="%Y-%m-%d %H:%M:%S"), "sensor type:N",
                 alt.Tooltip("mean:Q", format=".2f")],
    )
    st.altair_chart(chart)
    st.caption(f"Mean of the valid values per sensor type, {width / 1000:g} s buckets, last hour of data.")


def render_jobs(snapshot, now: datetime) -> None:
    st.header("Jobs")
    jobs = present.jobs_table(snapshot, now)
    if jobs.empty:
        st.info("No job runs recorded yet.")
        return
    st.dataframe(
        styled(jobs, "Status", present.STATUS_COLOURS),
        hide_index=True,
        placeholder="—",
        column_config={"Started": st.column_config.Column(help="UTC")},
    )


@st.fragment(run_every=settings.refresh_s)
def live(store_name: str) -> None:
    """Redrawn every refresh_s seconds in place (no page reload); each run reads the store again."""
    store = open_store(store_name)
    label = STORE_LABELS[store_name]
    try:
        snapshot = store.read()
    except StoreUnavailable as error:
        st.error(
            f"Cannot reach {error.store} at `{error.endpoint}`: {error.reason}. "
            f"Retrying every {settings.refresh_s:g} s; the page recovers by itself when the database is back.",
            icon=":material/cloud_off:")
        return
    now = datetime.now(timezone.utc)
    if snapshot.schema_missing:
        st.info(f"{label} at `{snapshot.endpoint}` has no metric tables yet. Create them and run the metrics job:"
                + EMPTY_STEPS, icon=":material/info:")
        return
    if snapshot.empty:
        st.info(f"No metrics yet in {label} at `{snapshot.endpoint}`: no metrics job has written any. Run:"
                + EMPTY_STEPS, icon=":material/info:")
        if not snapshot.jobs.empty:
            render_jobs(snapshot, now)
        return
    render_overview(present.overview(snapshot, now, settings.online_ttl_s, settings.stale_s))
    render_sensors(snapshot, now)
    render_series(snapshot)
    render_jobs(snapshot, now)
    st.caption(f"Read from {label} at `{snapshot.endpoint}` at {snapshot.read_at:%H:%M:%S} UTC.")


live(store_name)
