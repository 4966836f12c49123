#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for one test run (no systemd, no TCP: a unix socket in a temp dir).
# usage: eval "$(scripts/pg_throwaway.sh start)"; ...; scripts/pg_throwaway.sh stop "$PGTMP"
#        scripts/pg_throwaway.sh restart "$PGTMP"   (a fast restart, same options: the fault test)
#        scripts/pg_throwaway.sh standby "$PGTMP"   (a hot standby of it: prints STANDBY_PORT)
#        scripts/pg_throwaway.sh standby-stop "$PGTMP"
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2; fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
# initdb refuses to run as root: run the server as the postgres system user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "${1:-start}" = start ]; then
  PGTMP=$(mktemp -d "${TMPDIR:-/tmp}/pgtest.XXXXXX")   # short: unix socket paths max ~107 bytes
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; fi
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust --no-sync --no-instructions \
        -E UTF8 --locale=C.UTF-8 >"$PGTMP/initdb.log" 2>&1
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 30 \
        -o "-k $PGTMP -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  echo "export PGTMP=$PGTMP PGHOST=$PGTMP PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres"
elif [ "$1" = standby ]; then
  # A hot standby of the cluster in $2 (pg_basebackup, streaming replication over the unix
  # socket; initdb's default pg_hba trusts local replication): the read replica test.
  PRIMARY_PORT=$(sed -n 4p "$2/data/postmaster.pid")
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$PGBIN/pg_basebackup" -h "$2" -p "$PRIMARY_PORT" -U postgres -D "$2/standby" \
        -R -X stream -c fast >"$2/basebackup.log" 2>&1
  as_pg "$PGBIN/pg_ctl" -D "$2/standby" -l "$2/standby.log" -w -t 30 \
        -o "-k $2 -p $PORT -c listen_addresses='' -c fsync=off -c hot_standby=on" start >/dev/null
  echo "export STANDBY_PORT=$PORT"
elif [ "$1" = standby-stop ]; then
  as_pg "$PGBIN/pg_ctl" -D "$2/standby" -m immediate -w stop >/dev/null || true
elif [ "$1" = restart ]; then
  as_pg "$PGBIN/pg_ctl" -D "$2/data" -l "$2/server.log" -m fast -w -t 30 restart >/dev/null
else
  if [ -d "$2/standby" ]; then as_pg "$PGBIN/pg_ctl" -D "$2/standby" -m immediate -w stop >/dev/null 2>&1 || true; fi
  as_pg "$PGBIN/pg_ctl" -D "$2/data" -m immediate -w stop >/dev/null || true
  rm -rf "$2"
fi
