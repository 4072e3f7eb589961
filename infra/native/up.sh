#!/usr/bin/env bash
# Installs (if missing) and starts the three production engines natively, each on loopback with
# its data under infra/native/.data/ (ports and dirs: the HPG_KAFKA_*, HPG_INFLUX_* and
# HPG_MOSQUITTO_* env vars, see infra/README.md). Idempotent: engines already running are only
# health-checked. If one fails, the ones this run started are stopped again.
#   infra/native/up.sh && eval "$(infra/native/env.sh)"
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
started=()
t0=$(date +%s)

cleanup_on_failure() {
  local rc=$? e
  if ((rc != 0)); then
    echo "[up] failed (exit $rc); stopping what this run started: ${started[*]:-nothing}" >&2
    for e in "${started[@]}"; do
      "$here/$e.sh" stop || true
    done
  fi
}
trap cleanup_on_failure EXIT

for e in mosquitto influxdb kafka; do
  "$here/$e.sh" install
done
for e in mosquitto influxdb kafka; do
  if "$here/$e.sh" status >/dev/null 2>&1; then
    "$here/$e.sh" start
  else
    started+=("$e")
    "$here/$e.sh" start
  fi
done

echo
echo "[up] all engines healthy in $(($(date +%s) - t0))s:"
echo "  MQTT      mqtt://127.0.0.1:${HPG_MOSQUITTO_PORT:-11883}"
echo "  InfluxDB  http://127.0.0.1:${HPG_INFLUX_PORT:-18086}"
echo "  Kafka     127.0.0.1:${HPG_KAFKA_PORT:-19092}"
echo "  client settings:  eval \"\$($here/env.sh)\""
