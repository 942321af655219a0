#!/usr/bin/env bash
# The local stack behind `make run`, `make test` and `make bench`: a private PostgreSQL cluster, rolesd
# and nginx, all under one directory.
#
#   tests/stack.sh deps                 install missing Debian packages (as root) or print the command
#   tests/stack.sh up DIR PORT [fast]   start (or reuse) the stack in DIR, nginx on 127.0.0.1:PORT
#                                       (ROLESD_POOLER=pgbouncer: rolesd reaches PostgreSQL through a
#                                       PgBouncer in transaction mode on its own port, DIR/bouncerport)
#   tests/stack.sh down DIR             stop everything started in DIR
#   tests/stack.sh run DIR PORT         `up`, print how to use it, stay in the foreground; Ctrl-C = `down`
#
# `up` writes DIR/env (export lines: DATABASE_URL, ROLESD_ADMIN_DATABASE_URL, ROLESD_URL, ...) and
# DIR/tenant.json (the demo tenant and its admin token, created once).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${ROLESD_BIN:-$ROOT/build/rolesd}
PACKAGES="gcc make libc6-dev libfcgi-dev libpq-dev libjansson-dev libcmocka-dev libssl-dev postgresql nginx-light python3 curl wrk procps python3-pytest postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl pgbouncer docker-compose openssl"

log() { printf 'stack: %s\n' "$*" >&2; }

pg_bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] || { log "no PostgreSQL server binaries under /usr/lib/postgresql"; exit 1; }
    echo "$d"
}

cmd_deps() {
    local missing=() p
    for p in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        log "missing packages; run as root:"
        echo "apt-get update && apt-get install -y ${missing[*]}"
        exit 1
    fi
    log "installing: ${missing[*]}"
    # Do not let package scripts start system-wide nginx/PostgreSQL services: we run our own.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' RETURN
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Run a command as the PostgreSQL OS user when we are root (initdb refuses to run as root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free port below the kernel's ephemeral range: a port inside it can be held by the client end of any
# loopback connection, which a connect test does not see and which makes a later bind() fail.
pick_port() {
    local p lo=32768 hi
    [ -r /proc/sys/net/ipv4/ip_local_port_range ] && read -r lo hi < /proc/sys/net/ipv4/ip_local_port_range
    [ "$lo" -gt 12000 ] || lo=32768
    for _ in $(seq 1 50); do
        p=$((10000 + RANDOM % (lo - 10000)))
        port_free "$p" && { echo "$p"; return 0; }
    done
    log "no free port found"; exit 1
}

wait_for() { # wait_for SECONDS CMD...
    local n=$(($1 * 10)); shift
    while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
    return 1
}

# PgBouncer in transaction mode between rolesd and PostgreSQL, as production runs it (README "Deploying").
# Only the workers' connection (DATABASE_URL) goes through it; migrations and admin commands need a
# session (advisory lock) and keep the direct one. PgBouncer refuses to run as root: it runs as postgres.
start_pgbouncer() { # start_pgbouncer DIR PGSOCK PGPORT -> echoes its port
    local dir=$1 sock=$2 pgport=$3 bport
    if [ -f "$dir/bouncerport" ]; then
        bport=$(cat "$dir/bouncerport")
    else
        bport=$(pick_port)
        while [ "$bport" = "$pgport" ]; do bport=$(pick_port); done
        echo "$bport" > "$dir/bouncerport"
    fi
    mkdir -p "$dir/pgbouncer"
    printf '"rolesd_app" ""\n"postgres" ""\n' > "$dir/pgbouncer/userlist.txt"
    cat > "$dir/pgbouncer/pgbouncer.ini" <<EOF
[databases]
rolesd = host=$sock port=$pgport dbname=rolesd

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bport
unix_socket_dir =
auth_type = trust
auth_file = $dir/pgbouncer/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 20
server_reset_query =
query_wait_timeout = 10
server_login_retry = 1
ignore_startup_parameters = extra_float_digits
logfile = $dir/log/pgbouncer.log
pidfile = $dir/run/pgbouncer.pid
EOF
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres "$dir/pgbouncer"
        touch "$dir/log/pgbouncer.log" && chown postgres "$dir/log/pgbouncer.log"
    fi
    if [ -f "$dir/run/pgbouncer.pid" ] && kill -0 "$(cat "$dir/run/pgbouncer.pid")" 2>/dev/null; then
        kill "$(cat "$dir/run/pgbouncer.pid")" 2>/dev/null || true
        wait_for 10 bash -c "! kill -0 $(cat "$dir/run/pgbouncer.pid") 2>/dev/null" || true
    fi
    as_pg pgbouncer -d -q "$dir/pgbouncer/pgbouncer.ini" >&2 \
        || { log "pgbouncer did not start"; tail -n 20 "$dir/log/pgbouncer.log" >&2; exit 1; }
    wait_for 10 psql -X -h 127.0.0.1 -p "$bport" -U rolesd_app -d rolesd -c "SELECT 1" \
        || { log "pgbouncer does not answer"; tail -n 20 "$dir/log/pgbouncer.log" >&2; exit 1; }
    echo "$bport"
}

cmd_up() {
    local dir=$1 port=$2 fast=${3:-}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    mkdir -p "$dir/run" "$dir/log" "$dir/nginx/extra"
    chmod 755 "$dir"
    local bindir; bindir=$(pg_bindir)

    # PostgreSQL data lives in DIR/pg unless the postgres user cannot reach DIR (e.g. under /root).
    local pgdata="$dir/pg"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres "$dir/run"
        if ! runuser -u postgres -- test -x "$dir/run"; then
            pgdata=/var/tmp/rolesd-pg-$(echo "$dir" | sha1sum | cut -c1-12)
            log "postgres cannot reach $dir; keeping the cluster in $pgdata"
        fi
    fi
    local sock="$dir/run"
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -w "$sock"; then
        sock=/var/tmp/rolesd-sock-$(echo "$dir" | sha1sum | cut -c1-12)
        mkdir -p "$sock"; chown postgres "$sock"
    fi

    local pgport
    if [ -f "$dir/pgport" ]; then
        pgport=$(cat "$dir/pgport")
    else
        # nginx's port is chosen by the caller but not bound yet: PostgreSQL must not take it
        pgport=$(pick_port)
        while [ "$pgport" = "$port" ]; do pgport=$(pick_port); done
        echo "$pgport" > "$dir/pgport"
    fi

    if [ ! -f "$pgdata/PG_VERSION" ]; then
        mkdir -p "$pgdata"
        [ "$(id -u)" -eq 0 ] && chown postgres "$pgdata"
        chmod 700 "$pgdata"
        as_pg "$bindir/initdb" -D "$pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/log/initdb.log" 2>&1 \
            || { cat "$dir/log/initdb.log" >&2; exit 1; }
        {
            echo "listen_addresses = '127.0.0.1'"
            echo "port = $pgport"
            echo "unix_socket_directories = '$sock'"
            echo "max_connections = 300"
            echo "shared_buffers = 256MB"
            if [ "$fast" = "fast" ]; then
                echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
            fi
        } >> "$pgdata/postgresql.conf"
    fi
    if ! as_pg "$bindir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
        [ "$(id -u)" -eq 0 ] && touch "$dir/log/postgres.log" && chown postgres "$dir/log/postgres.log"
        as_pg "$bindir/pg_ctl" -D "$pgdata" -l "$dir/log/postgres.log" -w -t 60 start >/dev/null
    fi
    echo "$pgdata" > "$dir/pgdata"

    local psql=(psql -X -q -h "$sock" -p "$pgport" -U postgres -v ON_ERROR_STOP=1)
    "${psql[@]}" -d postgres <<'SQL'
SELECT 'CREATE ROLE rolesd_owner LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rolesd_owner')\gexec
SELECT 'CREATE ROLE rolesd_app LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rolesd_app')\gexec
SELECT 'CREATE DATABASE rolesd OWNER rolesd_owner' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'rolesd')\gexec
SQL

    local base="host=$sock port=$pgport dbname=rolesd"
    cat > "$dir/env" <<EOF
export DATABASE_URL='$base user=rolesd_app'
export ROLESD_ADMIN_DATABASE_URL='$base user=rolesd_owner'
export ROLESD_MIGRATIONS_DIR='$ROOT/migrations'
export ROLESD_LISTEN='unix:$dir/run/rolesd.sock'
export ROLESD_URL='http://127.0.0.1:$port'
export ROLESD_STACK_DIR='$dir'
export PGHOST='$sock'
export PGPORT='$pgport'
export PGUSER=postgres
EOF
    if [ "${ROLESD_POOLER:-}" = pgbouncer ]; then
        local bport; bport=$(start_pgbouncer "$dir" "$sock" "$pgport")
        # PgBouncer 1.18 does not carry named prepared statements across server connections
        cat >> "$dir/env" <<EOF
export DATABASE_URL='host=127.0.0.1 port=$bport dbname=rolesd user=rolesd_app'
export ROLESD_DB_PREPARED='${ROLESD_DB_PREPARED:-0}'
export ROLESD_POOLER=pgbouncer
EOF
    elif [ -f "$dir/run/pgbouncer.pid" ]; then
        kill "$(cat "$dir/run/pgbouncer.pid")" 2>/dev/null || true
        rm -f "$dir/run/pgbouncer.pid"
    fi
    # shellcheck disable=SC1091
    . "$dir/env"

    "$BIN" migrate 2>>"$dir/log/migrate.log" || { cat "$dir/log/migrate.log" >&2; exit 1; }

    if [ ! -s "$dir/tenant.json" ]; then
        "$BIN" tenant create --host localhost --host 127.0.0.1 --name "Demo School" \
            --admin-name "Demo Admin" > "$dir/tenant.json"
    fi

    # rolesd
    if [ -f "$dir/run/rolesd.pid" ] && kill -0 "$(cat "$dir/run/rolesd.pid")" 2>/dev/null; then
        kill "$(cat "$dir/run/rolesd.pid")" 2>/dev/null || true
        wait_for 10 bash -c "! kill -0 $(cat "$dir/run/rolesd.pid")" || true
    fi
    ROLESD_WORKERS=${ROLESD_WORKERS:-$(nproc)} nohup "$BIN" serve >>"$dir/log/rolesd.log" 2>&1 &
    echo $! > "$dir/run/rolesd.pid"
    wait_for 10 test -S "$dir/run/rolesd.sock" || { log "rolesd did not start"; tail -n 20 "$dir/log/rolesd.log" >&2; exit 1; }

    # nginx
    if [ -f "$dir/run/nginx.pid" ] && kill -0 "$(cat "$dir/run/nginx.pid")" 2>/dev/null; then
        kill "$(cat "$dir/run/nginx.pid")" 2>/dev/null || true
        sleep 0.5
    fi
    local mport
    if [ -f "$dir/metricsport" ]; then
        mport=$(cat "$dir/metricsport")
    else
        mport=$(pick_port)
        while [ "$mport" = "$port" ] || [ "$mport" = "$pgport" ]; do mport=$(pick_port); done
        echo "$mport" > "$dir/metricsport"
    fi
    echo "export ROLESD_METRICS_URL='http://127.0.0.1:$mport/metrics'" >> "$dir/env"
    local access="$dir/log/access.log rolesd_json"
    [ "${ROLESD_ACCESS_LOG:-on}" = off ] && access=off
    sed -e "s|@DIR@|$dir|g" -e "s|@ROOT@|$ROOT|g" -e "s|@PORT@|$port|g" \
        -e "s|@USER@|$(id -un)|g" -e "s|@NGINX_WORKERS@|${NGINX_WORKERS:-auto}|g" \
        -e "s|@ACCESS_LOG@|$access|g" -e "s|@UPSTREAM@|unix:$dir/run/rolesd.sock|g" \
        -e "s|@METRICS_PORT@|$mport|g" \
        "$ROOT/nginx/rolesd.conf.in" > "$dir/nginx/nginx.conf"
    nohup nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/log/nginx-error.log" >>"$dir/log/nginx-error.log" 2>&1 &
    wait_for 10 curl -fsS "http://127.0.0.1:$port/healthz" || { log "nginx did not start"; tail -n 20 "$dir/log/nginx-error.log" >&2; exit 1; }
    wait_for 10 curl -fsS "http://127.0.0.1:$port/readyz" || { log "rolesd is not ready"; tail -n 20 "$dir/log/rolesd.log" >&2; exit 1; }
}

cmd_down() {
    local dir=$1 f
    [ -d "$dir" ] || return 0
    dir=$(cd "$dir" && pwd)
    for f in nginx rolesd pgbouncer; do
        if [ -f "$dir/run/$f.pid" ]; then
            kill "$(cat "$dir/run/$f.pid")" 2>/dev/null || true
        fi
    done
    for f in nginx rolesd pgbouncer; do
        [ -f "$dir/run/$f.pid" ] && wait_for 10 bash -c "! kill -0 $(cat "$dir/run/$f.pid" 2>/dev/null || echo 0) 2>/dev/null" || true
        rm -f "$dir/run/$f.pid"
    done
    if [ -f "$dir/pgdata" ]; then
        as_pg "$(pg_bindir)/pg_ctl" -D "$(cat "$dir/pgdata")" -m fast -w stop >/dev/null 2>&1 || true
    fi
}

cmd_run() {
    local dir=$1 port=$2
    cmd_up "$dir" "$port"
    dir=$(cd "$dir" && pwd)
    trap 'echo; log "stopping"; cmd_down "$dir"; exit 0' INT TERM
    local token
    token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$dir/tenant.json")
    cat <<EOF

rolesd is running at http://127.0.0.1:$port  (demo tenant for hosts localhost and 127.0.0.1)
admin token: $token

  curl -s http://127.0.0.1:$port/readyz
  curl -s -H 'Authorization: Bearer $token' http://127.0.0.1:$port/api/v1/users/self

Shell access to the stack:  . $dir/env && build/rolesd tenant list
Logs: $dir/log/   Ctrl-C stops everything (data stays in $dir).
EOF
    while kill -0 "$(cat "$dir/run/rolesd.pid" 2>/dev/null || echo 0)" 2>/dev/null && kill -0 "$(cat "$dir/run/nginx.pid" 2>/dev/null || echo 0)" 2>/dev/null; do
        sleep 1 &
        wait $! || true
    done
    log "rolesd or nginx exited; stopping"
    cmd_down "$dir"
    exit 1
}

case "${1:-}" in
    deps) cmd_deps ;;
    up) [ $# -ge 3 ] || { echo "usage: $0 up DIR PORT [fast]" >&2; exit 2; }; cmd_up "$2" "$3" "${4:-}" ;;
    down) [ $# -ge 2 ] || { echo "usage: $0 down DIR" >&2; exit 2; }; cmd_down "$2" ;;
    run) [ $# -ge 3 ] || { echo "usage: $0 run DIR PORT" >&2; exit 2; }; cmd_run "$2" "$3" ;;
    port) pick_port ;;
    *) echo "usage: $0 deps | up DIR PORT [fast] | down DIR | run DIR PORT | port" >&2; exit 2 ;;
esac
