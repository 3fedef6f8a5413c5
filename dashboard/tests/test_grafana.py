"""config/grafana: every query of the provisioned dashboard runs against a database seeded by the real pipeline,
and the figures it returns are the ones the generated readings imply. (Grafana itself is not installed here.)"""

from __future__ import annotations

import json

from conftest import REPO

DASHBOARD_JSON = REPO / "config" / "grafana" / "dashboards" / "sensorctl.json"


def queries() -> dict[str, str]:
    panels = json.loads(DASHBOARD_JSON.read_text())["panels"]
    return {panel["title"]: target["rawSql"].replace("$__timeFilter(bucket_start)", "bucket_start > now() - interval '1 day'")
            for panel in panels for target in panel["targets"]}


def test_grafana_queries_match_the_pipeline(seeded):
    truth = seeded.truth()
    with seeded.pg() as db:
        results = {title: db.execute(sql).fetchall() for title, sql in queries().items()}
    assert results["Sensors online"] == [(len(truth.per_sensor), len(truth.per_sensor))]
    healthy, degraded, failed = results["Health"][0]
    assert failed == len(truth.burned) and healthy + degraded == len(truth.per_sensor) - len(truth.burned)
    assert results["Readings"] == [(truth.total,)]
    assert {row[0]: row[11] for row in results["Sensors"]} == dict(truth.per_sensor)
    assert {row[1] for row in results["Mean over time (per sensor type)"]} == {
        "temperature", "humidity", "pressure", "vibration"}
    assert {row[2] for row in results["Job runs"]} == {"succeeded"}
