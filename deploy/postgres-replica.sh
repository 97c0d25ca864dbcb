#!/bin/bash
# Entrypoint of the replica in docker-compose.yml's "cluster" profile: on first start, copies the primary with
# pg_basebackup -R (a hot standby streaming from it through a replication slot), then runs the image's own entrypoint,
# which finds the cluster in place and starts it.
set -euo pipefail
: "${PRIMARY_HOST:?}" "${POSTGRES_USER:?}" "${PGPASSWORD:?}"
if [ ! -s "${PGDATA}/PG_VERSION" ]; then
  until pg_isready -h "${PRIMARY_HOST}" -U "${POSTGRES_USER}" -d postgres -q; do sleep 1; done
  # The slot keeps the WAL this replica has not received yet; made once, kept when the replica is rebuilt.
  psql -h "${PRIMARY_HOST}" -U "${POSTGRES_USER}" -d postgres -v ON_ERROR_STOP=1 -qc \
    "select pg_create_physical_replication_slot('tracker_replica') where not exists
       (select 1 from pg_replication_slots where slot_name = 'tracker_replica')"
  mkdir -p "${PGDATA}"
  chown postgres:postgres "${PGDATA}"
  chmod 0700 "${PGDATA}"
  gosu postgres pg_basebackup -h "${PRIMARY_HOST}" -U "${POSTGRES_USER}" -D "${PGDATA}" \
    -R -X stream -c fast -S tracker_replica
fi
exec docker-entrypoint.sh "$@"
