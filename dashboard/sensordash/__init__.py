"""The sensorctl dashboard: reads the metrics that `sensorctl job metrics` keeps in PostgreSQL or MongoDB."""
