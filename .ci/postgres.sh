#!/usr/bin/env bash
# PostgreSQL for the history-store tests (SPEC §9). Called by .ci/run as
#   eval "$(.ci/postgres.sh)"
# Installs PostgreSQL from apt when missing, starts a cluster (as the postgres user, on the
# cluster's own port, 5432 by default), creates a role and a database for the tests, and
# prints ONE line on stdout:  export OFFEROPS_TEST_POSTGRES=postgres://…
# Everything else goes to stderr. Idempotent: running it again reuses what exists.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

DB_NAME="${OFFEROPS_TEST_DB:-offerops_test}"
DB_USER="offerops"
DB_PASSWORD="offerops-test"

as_postgres() {
  if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
}

{
  if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    log "installing postgresql from apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql postgresql-client
  fi

  VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
    log "creating cluster $VERSION/main"
    pg_createcluster "$VERSION" main
  fi

  PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" { print $3 }')"
  STATUS="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" { print $4 }')"
  if [ "$STATUS" != "online" ]; then
    log "starting cluster $VERSION/main on port $PORT"
    pg_ctlcluster "$VERSION" main start
  fi

  # Wait (bounded) until the server accepts connections.
  for _ in $(seq 1 60); do
    if as_postgres pg_isready -q -p "$PORT"; then break; fi
    sleep 0.5
  done
  as_postgres pg_isready -p "$PORT" >&2

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
