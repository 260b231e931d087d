#!/usr/bin/env bash
# Redis for the session-store tests (serve --sessions redis://…). Called by .ci/run as
#   eval "$(.ci/redis.sh)"
# Installs Debian's redis-server when missing, starts one on 127.0.0.1 (port 6379 unless
# OFFEROPS_TEST_REDIS_PORT says otherwise; no persistence: the tests need none) unless one
# already answers there, and prints ONE line on stdout:
#   export OFFEROPS_TEST_REDIS=redis://127.0.0.1:PORT/0
# Everything else goes to stderr. Idempotent: running it again reuses the running server.
set -euo pipefail

log() { echo "redis.sh: $*" >&2; }

PORT="${OFFEROPS_TEST_REDIS_PORT:-6379}"

{
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    log "installing redis-server from apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends redis-server redis-tools
  fi

  if [ "$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null || true)" != "PONG" ]; then
    DIR="${TMPDIR:-/tmp}/offerops-redis-$PORT"
    mkdir -p "$DIR"
    log "starting redis-server on 127.0.0.1:$PORT (data in $DIR)"
    redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --dir "$DIR" \
      --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --save '' --appendonly no
    # Wait (bounded) until it answers.
    for _ in $(seq 1 60); do
      if [ "$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null || true)" = "PONG" ]; then break; fi
      sleep 0.25
    done
  fi
  test "$(redis-cli -h 127.0.0.1 -p "$PORT" ping)" = "PONG"
} >&2

echo "export OFFEROPS_TEST_REDIS=redis://127.0.0.1:$PORT/0"
