#!/usr/bin/env python3
"""Runs one command and prints `<wall seconds> <peak RSS in MB>` of it (and its children) on stdout.

Usage: measure.py COMMAND [ARGS...]   (the command's own output goes to stderr)
"""
import resource
import subprocess
import sys
import time

start = time.monotonic()
status = subprocess.run(sys.argv[1:], stdout=sys.stderr).returncode
elapsed = time.monotonic() - start
# ru_maxrss is in kilobytes on Linux: the largest resident set of any waited-for child.
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{elapsed:.3f} {peak_mb:.1f}")
sys.exit(status)
