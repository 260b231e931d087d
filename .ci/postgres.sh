#!/usr/bin/env bash
# PostgreSQL for the history-store tests (docs/runtime-api.md#history-store-and-durability).
# Called by .ci/run as
#   eval "$(.ci/postgres.sh)"
# Installs PostgreSQL from apt when missing, makes sure a cluster is running (as the
# postgres user, on the cluster's own port, 5432 by default), creates a role and a
# database for the tests, and prints ONE line on stdout:
#   export OFFEROPS_TEST_POSTGRES=postgres://…
# Everything else goes to stderr. Idempotent: running it again reuses what exists, and a
# cluster that is already running (or still starting, or just stopped) is fine: what
# counts is that the server accepts connections, which is asked of pg_isready, not of
# the exit status of the start command.
#
# OFFEROPS_PG_CLUSTER (default main) and OFFEROPS_TEST_DB (default offerops_test) choose
# another cluster or database.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

CLUSTER="${OFFEROPS_PG_CLUSTER:-main}"
DB_NAME="${OFFEROPS_TEST_DB:-offerops_test}"
DB_USER="offerops"
DB_PASSWORD="offerops-test"
READY_SECONDS=60

as_postgres() {
  if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
}

cluster_field() { pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" -v f="$1" '$1 == v && $2 == c { print $f }'; }

# Waits until the server accepts connections on 127.0.0.1:$PORT; false after READY_SECONDS.
wait_until_ready() {
  local deadline=$((SECONDS + READY_SECONDS))
  while ((SECONDS < deadline)); do
    if pg_isready -q -h 127.0.0.1 -p "$PORT"; then return 0; fi
    sleep 0.5
  done
  return 1
}

{
  if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    log "installing postgresql from apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql postgresql-client
  fi

  VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  if [ -z "$(cluster_field 2)" ]; then
    log "creating cluster $VERSION/$CLUSTER"
    pg_createcluster "$VERSION" "$CLUSTER"
  fi
  PORT="$(cluster_field 3)"

  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then
    log "cluster $VERSION/$CLUSTER is running on port $PORT"
  else
    # The start command's verdict is not trusted: a cluster stopped a moment ago can make
    # it report "failed to start" while the server comes up, and one that is already
    # running makes it exit non-zero too. The server answering pg_isready decides.
    log "starting cluster $VERSION/$CLUSTER on port $PORT"
    pg_ctlcluster "$VERSION" "$CLUSTER" start || log "pg_ctlcluster start exited with $?; waiting for the server to accept connections"
    if ! wait_until_ready; then
      log "not ready after ${READY_SECONDS}s; one more start"
      pg_ctlcluster "$VERSION" "$CLUSTER" start || true
      if ! wait_until_ready; then
        log "PostgreSQL $VERSION/$CLUSTER does not accept connections on port $PORT; the end of its log:"
        tail -n 20 "/var/log/postgresql/postgresql-$VERSION-$CLUSTER.log" >&2 || true
        exit 1
      fi
    fi
    log "cluster $VERSION/$CLUSTER accepts connections on port $PORT"
  fi

  psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d postgres "$@"; }
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]; then
    log "creating role $DB_USER"
    psql_admin -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
  fi
  if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
    log "creating database $DB_NAME"
    psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
  fi
} >&2

echo "export OFFEROPS_TEST_POSTGRES=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
