#!/usr/bin/env bash
# Creates (or refreshes) the dashboard's venv at <checkout>/.devstack/venv-dashboard from dashboard/requirements.txt.
# Idempotent and quick when nothing changed: the copy of requirements.txt inside the venv is the stamp.
# Python: DASHBOARD_PYTHON, else the pyenv 3.13 the local stack's MongoDB stand-in already needs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=$(dirname "$here")/.devstack/venv-dashboard
req=$here/requirements.txt
stamp=$venv/dashboard-requirements.txt
python=${DASHBOARD_PYTHON:-${DEVSTACK_MONGO_PYTHON:-/root/.pyenv/versions/3.13.0/bin/python3.13}}

if [[ -x $venv/bin/python && -f $stamp ]] && cmp -s "$req" "$stamp"; then
    exit 0
fi
[[ -x $python ]] || { echo "dashboard: Python 3.13 not found at $python (set DASHBOARD_PYTHON)" >&2; exit 1; }
mkdir -p "$(dirname "$venv")"
[[ -e $(dirname "$venv")/.gitignore ]] || echo '*' >"$(dirname "$venv")/.gitignore"
echo "dashboard: creating $venv (first run only)"
rm -rf "$venv"
"$python" -m venv "$venv"
log=$(dirname "$venv")/dashboard-venv.log
"$venv/bin/pip" install --disable-pip-version-check -q -r "$req" >"$log" 2>&1 \
    || { echo "dashboard: pip install failed; see $log" >&2; tail -n 20 "$log" >&2; exit 1; }
cp "$req" "$stamp"
