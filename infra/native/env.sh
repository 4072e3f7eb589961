#!/usr/bin/env bash
# Prints the client-side settings for the instances that up.sh starts (same env vars, same
# defaults), as shell `export` lines:   eval "$(infra/native/env.sh)"
set -euo pipefail

printf 'export HPG_KAFKA_BROKERS=%s\n' "127.0.0.1:${HPG_KAFKA_PORT:-19092}"
printf 'export HPG_INFLUX_URL=%s\n' "http://127.0.0.1:${HPG_INFLUX_PORT:-18086}"
printf 'export HPG_MQTT_URL=%s\n' "mqtt://127.0.0.1:${HPG_MOSQUITTO_PORT:-11883}"
