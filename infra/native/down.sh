#!/usr/bin/env bash
# Stops the engines that up.sh started (the same env vars select the same instances). Data stays
# in infra/native/.data/; remove that directory for a clean slate. Idempotent.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rc=0
for e in kafka influxdb mosquitto; do
  "$here/$e.sh" stop || rc=1
done
exit "$rc"
