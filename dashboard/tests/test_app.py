"""The page, rendered by Streamlit's AppTest, against databases seeded by the real pipeline."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from conftest import DASHBOARD, closed_port, with_path

APP = str(DASHBOARD / "app.py")


def render(monkeypatch, store: str, postgres_url: str, mongo_url: str, **extra: str) -> AppTest:
    monkeypatch.setenv("SENSORCTL_DASHBOARD_STORE", store)
    monkeypatch.setenv("SENSORCTL_POSTGRES_URL", postgres_url)
    monkeypatch.setenv("SENSORCTL_MONGO_URL", mongo_url)
    for name, value in extra.items():
        monkeypatch.setenv(name, value)
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def texts(app: AppTest) -> str:
    parts = [e.value for kind in (app.error, app.warning, app.info, app.markdown, app.caption) for e in kind]
    return "\n".join(str(p) for p in parts)


def sensors_frame(app: AppTest):
    frames = [f.value for f in app.dataframe if "Sensor" in f.value.columns]
    assert len(frames) == 1, "expected exactly one sensors table"
    return frames[0]


def jobs_frame(app: AppTest):
    frames = [f.value for f in app.dataframe if "Job" in f.value.columns]
    assert len(frames) == 1, "expected exactly one jobs table"
    return frames[0]


def database_rows(seeded) -> dict[str, dict]:
    with seeded.pg() as db:
        cursor = db.execute("SELECT sensor_id, health, smoothed, readings_total FROM sensor_metrics")
        return {row[0]: {"health": row[1], "smoothed": row[2], "readings_total": row[3]} for row in cursor}


def check_page_matches_pipeline(app: AppTest, seeded) -> None:
    truth = seeded.truth()
    assert len(truth.per_sensor) == 8 and truth.total == 340 and len(truth.burned) == 2  # what seed_standard made
    stored = database_rows(seeded)
    shown = metrics(app)
    n = len(truth.per_sensor)
    assert shown["Sensors online"] == f"{n} / {n}"
    assert shown["Readings"] == f"{truth.total:,}".replace(",", " ")
    assert int(shown["Failed"]) == len(truth.burned)
    assert int(shown["Healthy"]) + int(shown["Degraded"]) == n - len(truth.burned)
    for health in ("healthy", "degraded", "failed"):
        assert int(shown[health.capitalize()]) == sum(r["health"] == health for r in stored.values())

    table = sensors_frame(app)
    assert sorted(table["Sensor"]) == sorted(truth.per_sensor)
    for row in table.to_dict("records"):
        sensor = row["Sensor"]
        assert row["Readings"] == truth.per_sensor[sensor], sensor
        assert row["Health"] == stored[sensor]["health"], sensor
        assert bool(row["Online"]) is True, sensor
        if sensor in truth.burned:
            assert row["Health"] == "failed" and row["Fault %"] == 100.0 and row["Mean ± stddev"] == "—"
        else:
            assert row["Fault %"] == 0.0
            assert row["Smoothed"] == pytest.approx(round(stored[sensor]["smoothed"], 2))
            assert 20 <= row["Min"] <= row["Max"] <= 100

    jobs = jobs_frame(app)
    metric_runs = jobs[jobs["Job"].str.startswith("metrics/")]
    assert not metric_runs.empty and set(metric_runs["Status"]) == {"succeeded"}
    assert metric_runs["Readings in"].sum() == truth.total


# A generous online TTL: these tests check the counts, not the clock (test_online_ttl_is_applied does that).
COUNTS = {"SENSORCTL_DASHBOARD_ONLINE_TTL_S": "600"}


def test_postgres_page_shows_the_pipeline_metrics(monkeypatch, seeded):
    app = render(monkeypatch, "postgres", seeded.postgres_url, seeded.mongo_url, **COUNTS)
    check_page_matches_pipeline(app, seeded)
    assert "postgresql://" in texts(app) and not app.error and not app.warning


def test_mongo_page_shows_the_pipeline_metrics(monkeypatch, seeded):
    app = render(monkeypatch, "mongo", seeded.postgres_url, seeded.mongo_url, **COUNTS)
    check_page_matches_pipeline(app, seeded)
    assert f"MongoDB at `{seeded.mongo_url}`" in texts(app)


def test_the_store_switch_in_the_page(monkeypatch, seeded):
    app = render(monkeypatch, "postgres", seeded.postgres_url, with_path(seeded.mongo_url, "nothing_here"),
                 **COUNTS)
    assert metrics(app)["Sensors online"] == "8 / 8" and "Read from PostgreSQL" in texts(app)
    app.sidebar.radio(key="store").set_value("mongo").run()
    assert not metrics(app) and "MongoDB at `mongodb://" in texts(app) and "/nothing_here`" in texts(app)
    monkeypatch.setenv("SENSORCTL_MONGO_URL", seeded.mongo_url)
    app.run()
    assert metrics(app)["Sensors online"] == "8 / 8" and "Read from MongoDB" in texts(app)
    app.sidebar.radio(key="store").set_value("postgres").run()
    assert metrics(app)["Sensors online"] == "8 / 8" and "Read from PostgreSQL" in texts(app)


def chart_data(app: AppTest):
    import pyarrow as pa

    charts = app.get("vega_lite_chart")
    assert len(charts) == 1, "expected one line chart"
    datasets = charts[0].proto.datasets
    assert len(datasets) == 1
    return pa.ipc.open_stream(datasets[0].data.data).read_all().to_pandas()


def test_mean_over_time_comes_from_the_series_buckets(monkeypatch, seeded):
    app = render(monkeypatch, "postgres", seeded.postgres_url, seeded.mongo_url, **COUNTS)
    charted = {(row["sensor type"], row["time"].timestamp()): row["mean"] for row in chart_data(app).to_dict("records")}
    # Independently: the mean of the valid values per type per 10 s bucket of the generated readings. Burned
    # sensors have no valid values, hence no buckets: only the good types are charted.
    with seeded.pg() as db:
        expected = {(kind, float(start)): mean for kind, start, mean in db.execute(
            "SELECT sensor_type, floor(extract(epoch FROM ts) * 1000 / 10000) * 10, avg(value) FROM sensor_readings "
            "WHERE value IS NOT NULL AND value <> -1 GROUP BY 1, 2")}
    assert {kind for kind, _ in charted} == {"temperature", "humidity", "pressure", "vibration"}
    assert charted.keys() == expected.keys()
    for key, mean in expected.items():
        assert charted[key] == pytest.approx(mean, rel=1e-9), key


def test_filters_by_type_and_health(monkeypatch, seeded):
    app = render(monkeypatch, "postgres", seeded.postgres_url, seeded.mongo_url, **COUNTS)
    app.multiselect(key="filter_healths").set_value(["failed"]).run()
    assert sorted(sensors_frame(app)["Sensor"]) == sorted(seeded.truth().burned)
    app.multiselect(key="filter_healths").set_value([]).run()
    app.multiselect(key="filter_types").set_value(["temperature"]).run()
    shown = sensors_frame(app)
    assert set(shown["Type"]) == {"temperature"} and len(shown) == 2  # 6 sensors dealt over 4 types


def test_online_ttl_and_stale_warning(monkeypatch, seeded):
    time.sleep(1.2)
    app = render(monkeypatch, "postgres", seeded.postgres_url, seeded.mongo_url,
                 SENSORCTL_DASHBOARD_ONLINE_TTL_S="1", SENSORCTL_DASHBOARD_STALE_S="1")
    assert metrics(app)["Sensors online"] == "0 / 8"
    assert any("Metrics are stale" in w.value for w in app.warning)
    fresh = render(monkeypatch, "postgres", seeded.postgres_url, seeded.mongo_url,
                   SENSORCTL_DASHBOARD_STALE_S="600", **COUNTS)
    assert not fresh.warning and metrics(fresh)["Sensors online"] == "8 / 8"


@pytest.mark.parametrize("store", ["postgres", "mongo"])
def test_empty_state_before_any_job(monkeypatch, new_pipeline, store):
    pipeline = new_pipeline("empty").setup()
    app = render(monkeypatch, store, pipeline.postgres_url, pipeline.mongo_url)
    assert not app.error and not metrics(app) and not app.dataframe
    message = " ".join(i.value for i in app.info)
    assert "No metrics yet" in message and "sensorctl job metrics" in message and "sensorctl generate" in message


@pytest.mark.parametrize("store", ["postgres", "mongo"])
def test_empty_state_before_setup(monkeypatch, empty_databases, store):
    postgres_url, mongo_url = empty_databases
    app = render(monkeypatch, store, postgres_url, mongo_url)
    assert not app.error and not metrics(app)
    message = " ".join(i.value for i in app.info)
    assert "sensorctl setup" in message and "sensorctl job metrics" in message


def test_postgres_unreachable_names_the_endpoint_without_password(monkeypatch):
    port = closed_port()
    url = f"postgresql://sensorctl:s3cret-Pa55@127.0.0.1:{port}/metrics"
    app = render(monkeypatch, "postgres", url, "mongodb://127.0.0.1:1/x")
    assert len(app.error) == 1 and not metrics(app)
    message = app.error[0].value
    assert f"Cannot reach PostgreSQL at `postgresql://sensorctl:***@127.0.0.1:{port}/metrics`" in message
    everything = texts(app) + " ".join(str(e.value) for e in app.sidebar.caption)
    assert "s3cret-Pa55" not in everything


def test_mongo_unreachable_names_the_endpoint(monkeypatch):
    port = closed_port()
    url = f"mongodb://operator:s3cret-Pa55@127.0.0.1:{port}/metrics"
    app = render(monkeypatch, "mongo", "postgresql://u@127.0.0.1:1/x", url)
    assert len(app.error) == 1 and not metrics(app)
    assert f"Cannot reach MongoDB at `mongodb://operator:***@127.0.0.1:{port}/metrics`" in app.error[0].value
    assert "s3cret-Pa55" not in texts(app)


def test_recovers_when_the_database_comes_back(monkeypatch, seeded):
    """Down, then the same endpoint answers again: the next refresh shows the metrics, with no restart."""
    from tcp_proxy import TcpProxy
    from urllib.parse import urlsplit

    target = urlsplit(seeded.postgres_url)
    proxy = TcpProxy(target.hostname, target.port)
    url = seeded.postgres_url.replace(f":{target.port}/", f":{proxy.port}/")
    try:
        app = render(monkeypatch, "postgres", url, seeded.mongo_url, **COUNTS)
        assert len(app.error) == 1 and "Cannot reach PostgreSQL" in app.error[0].value
        proxy.start()
        app.run()
        assert not app.error and metrics(app)["Sensors online"] == "8 / 8"
        proxy.stop()  # and down again: the cached connection is dropped and the message is back
        app.run()
        assert len(app.error) == 1 and "Cannot reach PostgreSQL" in app.error[0].value
        proxy.start()
        app.run()
        assert not app.error and metrics(app)["Sensors online"] == "8 / 8"
    finally:
        proxy.stop()
