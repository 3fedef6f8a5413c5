#!/usr/bin/env bash
# Installs what the service stack needs on Debian 12 (run as root), then creates the mongo venv.
# Idempotent: apt runs only when a package is missing.
set -euo pipefail
# shellcheck source=devstack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# gcc + libc6-dev build the Kafka mock host; util-linux (flock, setsid, runuser) is essential;
# chromium is the headless browser of the dashboard's tests.
packages=(libpq-dev libmongoc-dev libbson-dev librdkafka-dev libcurl4-openssl-dev postgresql
    kafkacat pkg-config curl procps python3 gcc libc6-dev chromium)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} > 0)); then
    echo "deps: installing ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
else
    echo "deps: all Debian packages present"
fi

ensure_mongo_venv
echo "deps: mongo venv ready at $MONGO_VENV"

DASHBOARD_PYTHON=${DASHBOARD_PYTHON:-$MONGO_PYTHON} "$CHECKOUT/dashboard/venv.sh"
echo "deps: dashboard venv ready at $STATE/venv-dashboard"
