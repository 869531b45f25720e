#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster and makes the test role and database (idempotent).
# Used by CI; locally: sudo bash scripts/start-postgres.sh, then
#   DATABASE_URL=postgresql://qms:qms@127.0.0.1:5432/qms_test npm test
set -euo pipefail
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_lsclusters -h | grep -q "^$ver main" || pg_createcluster "$ver" main >/dev/null
pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || true
for i in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
su postgres -c "psql -qtc \"SELECT 1 FROM pg_roles WHERE rolname='qms'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE qms LOGIN PASSWORD 'qms' CREATEDB\""
su postgres -c "psql -qtc \"SELECT 1 FROM pg_database WHERE datname='qms_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O qms qms_test"
echo "PostgreSQL $ver on 127.0.0.1:5432 (database qms_test, role qms)"
