#!/usr/bin/env python3
"""Turns a CSV export of sensor_readings into `key<TAB>value` lines for `kcat -P -K '\t'`, with the same
JSON value sensorctl produces (compact, RFC 3339 UTC ts with milliseconds), so both sides send equal bytes.

Usage: kafka_lines.py < readings.csv > messages.tsv
"""
import csv
import json
import sys
from datetime import datetime, timezone

out = sys.stdout
for reading_id, sensor_id, sensor_type, value, ts, app in csv.reader(sys.stdin):
    number = None if value == "" else float(value)
    if number is not None and number.is_integer():
        number = int(number)
    stamp = datetime.fromisoformat(ts).astimezone(timezone.utc)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
    value_json = json.dumps(
        {"id": reading_id, "sensor_id": sensor_id, "sensor_type": sensor_type, "value": number, "ts": iso, "app": app},
        separators=(",", ":"),
    )
    out.write(f"{sensor_id}\t{value_json}\n")
