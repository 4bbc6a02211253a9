#!/usr/bin/env bash
# Make sure the services the Portico test suite needs accept connections on
# 127.0.0.1:
#
#   PostgreSQL  5432  user postgres, trust auth (no password)
#   MariaDB     3306  user root, empty password
#   Redis       6379  no auth
#
# and that Chromium is installed at /usr/bin/chromium (the browser of the
# Playwright UI tests).
#
# For each service: if it already answers a real query, say so. Otherwise
# start it if it is installed, or install it with apt-get first (Debian), then
# wait (bounded) until a real query works. Prints one status line per service
# and exits non-zero with a clear message if a service cannot be brought up.
#
# Idempotent, and quick when everything is already up (no lock, no apt, no
# starts). Starting or installing needs root; checking does not.
#
# Environment:
#   ENSURE_SERVICES_TIMEOUT  seconds to wait for each service to come up (60)
#   ENSURE_SERVICES_LOCK     lock file serialising concurrent runs
#                            (/tmp/portico-ensure-services.lock)

set -uo pipefail

readonly HOST=127.0.0.1
readonly PG_PORT=5432 MY_PORT=3306 REDIS_PORT=6379
readonly WAIT_SECS="${ENSURE_SERVICES_TIMEOUT:-60}"
readonly LOCK_FILE="${ENSURE_SERVICES_LOCK:-/tmp/portico-ensure-services.lock}"

export DEBIAN_FRONTEND=noninteractive
# Keep psql/mariadb from reading or prompting for anything.
export PGCONNECT_TIMEOUT=3

say() { printf 'ensure-services: %s\n' "$*"; }
err() { printf 'ensure-services: ERROR: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# Seconds with one decimal since this script started (for progress lines).
t0=$(date +%s%N)
elapsed() { local now; now=$(date +%s%N); awk -v d="$(( (now - t0) / 1000000 ))" 'BEGIN{printf "%.1fs", d/1000}'; }

# Bounded command runner: never let a hung client stall us.
tmo() { timeout --kill-after=2 "$@"; }

port_open() { tmo 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

# Run a command that may leave a daemon behind. The daemon must not inherit
# our stdout/stderr (when run from vitest under `npm test | tee`, an inherited
# pipe would keep tee - and CI - waiting until the daemon exits) nor fd 9 (the
# lock below). Output goes to $START_LOG; shown on failure.
START_LOG=""
detached() {
  [ -n "$START_LOG" ] || START_LOG=$(mktemp "${TMPDIR:-/tmp}/ensure-services-start.XXXXXX.log")
  : >"$START_LOG"
  "$@" </dev/null >>"$START_LOG" 2>&1 9>&-
}
show_start_log() { [ -s "$START_LOG" ] && sed 's/^/  /' "$START_LOG" >&2; return 0; }

# ---------------------------------------------------------------- checks ----
# Each check prints nothing on success and the client's error on failure.

check_pg() {
  local out
  have psql || { echo "psql not installed"; return 1; }
  out=$(tmo 8 psql -X -w -q -A -t -h "$HOST" -p "$PG_PORT" -U postgres -d postgres \
        -c 'select 1' 2>&1) && [ "$(printf '%s' "$out" | tr -d '[:space:]')" = 1 ] && return 0
  printf '%s\n' "${out:-no output}" | head -n 3
  return 1
}

check_my() {
  local out
  have mariadb || { echo "mariadb client not installed"; return 1; }
  out=$(tmo 8 mariadb --no-defaults --protocol=TCP -h"$HOST" -P"$MY_PORT" -uroot \
        --connect-timeout=3 -N -B -e 'select 1' 2>&1 </dev/null) \
    && [ "$(printf '%s' "$out" | tr -d '[:space:]')" = 1 ] && return 0
  printf '%s\n' "${out:-no output}" | head -n 3
  return 1
}

check_redis() {
  local out
  have redis-cli || { echo "redis-cli not installed"; return 1; }
  out=$(tmo 8 redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>&1 </dev/null) \
    && [ "$(printf '%s' "$out" | tr -d '[:space:]')" = PONG ] && return 0
  printf '%s\n' "${out:-no output}" | head -n 3
  return 1
}

# ------------------------------------------------------------ apt helpers ----
APT_UPDATED=0
APT_LOG=""

apt_install() {
  # apt_install <what> <pkg>...
  local what=$1; shift
  if ! is_root; then
    err "$what is not installed and installing it needs root (apt-get install $*); re-run as root or install it yourself"
    return 1
  fi
  if ! have apt-get; then
    err "$what is not installed and apt-get is not available; install $* yourself"
    return 1
  fi
  [ -n "$APT_LOG" ] || APT_LOG=$(mktemp "${TMPDIR:-/tmp}/ensure-services-apt.XXXXXX.log")
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "running apt-get update (log: $APT_LOG)"
    if ! apt-get update </dev/null >>"$APT_LOG" 2>&1 9>&-; then
      err "apt-get update failed; last lines of $APT_LOG:"; tail -n 20 "$APT_LOG" >&2
      return 1
    fi
    APT_UPDATED=1
  fi
  say "installing $* with apt-get (log: $APT_LOG)"
  if ! apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "$@" </dev/null >>"$APT_LOG" 2>&1 9>&-; then
    err "apt-get install $* failed; last lines of $APT_LOG:"; tail -n 20 "$APT_LOG" >&2
    return 1
  fi
}

need_root_to() {
  is_root && return 0
  err "$1 needs root (running as $(id -un)); re-run this script as root, or start the service yourself"
  return 1
}

# Wait until check_<svc> passes; optional hook runs (once) when the port is
# open but the query keeps failing (e.g. authentication not configured yet).
# wait_for <label> <check-fn> <port> [<fix-fn>]
wait_for() {
  local label=$1 check=$2 port=$3 fix=${4:-} deadline out fixed=0
  deadline=$(( $(date +%s) + WAIT_SECS ))
  while :; do
    if out=$($check); then return 0; fi
    if [ -n "$fix" ] && [ "$fixed" -eq 0 ] && port_open "$port"; then
      # The fix hook only acts on authentication errors; applied at most once.
      if $fix "$out"; then fixed=1; continue; fi
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      err "$label did not accept queries on $HOST:$port within ${WAIT_SECS}s; last error:"
      printf '  %s\n' "$out" >&2
      return 1
    fi
    sleep 0.5
  done
}

# ------------------------------------------------------------- PostgreSQL ----
pg_version() {
  # Newest version with a 'main' cluster configured, else newest installed.
  local v d
  v=$(for d in /etc/postgresql/*/main/postgresql.conf; do
        [ -f "$d" ] && d=${d#/etc/postgresql/} && echo "${d%%/*}"; done | sort -V | tail -n 1)
  [ -n "$v" ] || v=$(for d in /usr/lib/postgresql/*/bin/postgres; do
        [ -x "$d" ] && d=${d#/usr/lib/postgresql/} && echo "${d%%/*}"; done | sort -V | tail -n 1)
  printf '%s' "$v"
}

pg_installed() { have pg_ctlcluster && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; }

# Trust local + 127.0.0.1 connections (as on the reference CI machine, whose
# pg_hba.conf is exactly "local all all trust" / "host all all 127.0.0.1/32
# trust"). Only touches the file if no such 127.0.0.1 trust rule exists.
pg_trust_hba() {
  local hba=$1
  if grep -Eq '^[[:space:]]*host[[:space:]]+all[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    return 1  # already trusted; the failure is something else
  fi
  say "postgresql: configuring trust auth for 127.0.0.1 in $hba (backup: $hba.portico-orig)"
  cp -p "$hba" "$hba.portico-orig" || return 1
  { printf '# Added by scripts/ensure-services.sh (Portico CI): trust local connections\n'
    printf 'local   all   all                 trust\n'
    printf 'host    all   all   127.0.0.1/32  trust\n'
    cat "$hba.portico-orig"; } >"$hba"
}

pg_fix_hba() {
  local last_err=${1:-} v hba
  case "$last_err" in
    *"no password supplied"*|*"authentication failed"*|*"pg_hba.conf"*|*"Peer authentication"*) ;;
    *) return 1 ;;
  esac
  is_root || return 1
  v=$(pg_version); hba=/etc/postgresql/$v/main/pg_hba.conf
  [ -f "$hba" ] || return 1
  pg_trust_hba "$hba" || return 1
  detached pg_ctlcluster --skip-systemctl-redirect "$v" main reload || true
  sleep 0.5
  return 0
}

ensure_pg() {
  local label="postgresql ($HOST:$PG_PORT)" out v action
  if port_open "$PG_PORT" && out=$(check_pg); then
    say "$label: already up (select 1 ok)"; return 0
  fi
  if ! pg_installed; then
    apt_install postgresql postgresql || return 1
    action="installed"
  fi
  have psql || apt_install "psql" postgresql-client || return 1
  v=$(pg_version)
  if [ -z "$v" ]; then err "$label: cannot determine the installed PostgreSQL version"; return 1; fi
  if ! [ -f "/etc/postgresql/$v/main/postgresql.conf" ]; then
    need_root_to "creating PostgreSQL cluster $v/main" || return 1
    say "$label: creating cluster $v/main"
    if ! detached pg_createcluster "$v" main; then
      err "$label: pg_createcluster $v main failed:"; show_start_log; return 1
    fi
  fi
  if ! port_open "$PG_PORT"; then
    need_root_to "starting PostgreSQL" || return 1
    install -d -o postgres -g postgres -m 2775 /run/postgresql
    say "$label: not answering; starting cluster $v/main"
    if ! detached pg_ctlcluster --skip-systemctl-redirect "$v" main start; then
      # "already running" is fine (another start raced us); anything else is not.
      case "$(cat "$START_LOG")" in *"already running"*) ;; *)
        err "$label: pg_ctlcluster $v main start failed:"; show_start_log
        tail -n 10 "/var/log/postgresql/postgresql-$v-main.log" 2>/dev/null | sed 's/^/  /' >&2
        return 1 ;;
      esac
    fi
    action="${action:+$action, }started"
  fi
  wait_for "$label" check_pg "$PG_PORT" pg_fix_hba || return 1
  say "$label: up after $(elapsed) (${action:-port was open}; select 1 ok)"
}

# ----------------------------------------------------------------- MariaDB ----
my_defaults() { my_print_defaults mysqld mariadb server 2>/dev/null; }

# root must log in over TCP from 127.0.0.1 with an empty password (as on the
# reference CI machine: root@localhost "unix_socket OR mysql_native_password"
# with empty password, plus root@127.0.0.1 with empty password). Done through
# the local socket, where OS root authenticates via unix_socket.
my_fix_root() {
  local last_err=${1:-}
  case "$last_err" in *"Access denied"*) ;; *) return 1 ;; esac
  is_root || return 1
  say "mariadb: allowing root with empty password from $HOST (via local socket)"
  tmo 15 mariadb -uroot </dev/null 9>&- -e "
    ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('');
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    FLUSH PRIVILEGES;" || { err "mariadb: could not configure root via the local socket"; return 1; }
}

my_start() {
  local datadir logerr extra=()
  datadir=$(my_defaults | sed -n 's/^--datadir=//p' | tail -n 1); datadir=${datadir:-/var/lib/mysql}
  install -d -o mysql -g mysql -m 755 /run/mysqld
  logerr=$(my_defaults | sed -n 's/^--log[-_]error=//p' | tail -n 1)
  if [ -n "$logerr" ] && [ ! -d "$(dirname "$logerr")" ]; then
    install -d -o mysql -g adm -m 2750 "$(dirname "$logerr")"
  fi
  if [ ! -d "$datadir/mysql" ]; then
    say "mariadb: initialising data directory $datadir"
    if ! detached mariadb-install-db --user=mysql --datadir="$datadir"; then
      err "mariadb: mariadb-install-db --datadir=$datadir failed:"; show_start_log; return 1
    fi
  fi
  # mariadbd refuses to run as root unless told which user to switch to;
  # Debian's stock config leaves "user" commented out.
  my_defaults | grep -q '^--user=' || extra=(-- --user=mysql)
  detached start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd "${extra[@]}" \
    || { show_start_log; return 1; }
}

ensure_my() {
  local label="mariadb ($HOST:$MY_PORT)" out action
  if port_open "$MY_PORT" && out=$(check_my); then
    say "$label: already up (select 1 ok)"; return 0
  fi
  if ! [ -x /usr/sbin/mariadbd ]; then
    apt_install mariadb mariadb-server || return 1
    action="installed"
  fi
  have mariadb || apt_install "mariadb client" mariadb-client || return 1
  if ! port_open "$MY_PORT"; then
    need_root_to "starting MariaDB" || return 1
    say "$label: not answering; starting mariadbd"
    my_start || { err "$label: could not start mariadbd"; return 1; }
    action="${action:+$action, }started"
  fi
  if ! wait_for "$label" check_my "$MY_PORT" my_fix_root; then
    local logerr; logerr=$(my_defaults | sed -n 's/^--log[-_]error=//p' | tail -n 1)
    [ -n "$logerr" ] && [ -f "$logerr" ] && { echo "  last lines of $logerr:" >&2; tail -n 10 "$logerr" | sed 's/^/  /' >&2; }
    return 1
  fi
  say "$label: up after $(elapsed) (${action:-port was open}; select 1 ok)"
}

# ------------------------------------------------------------------- Redis ----
ensure_redis() {
  local label="redis ($HOST:$REDIS_PORT)" out action
  if port_open "$REDIS_PORT" && out=$(check_redis); then
    say "$label: already up (PONG)"; return 0
  fi
  if ! have redis-server; then
    apt_install redis redis-server || return 1
    action="installed"
  fi
  have redis-cli || apt_install "redis-cli" redis-tools || return 1
  if ! port_open "$REDIS_PORT"; then
    need_root_to "starting Redis" || return 1
    install -d -m 755 /var/lib/redis
    [ -d /var/log/redis ] || install -d -m 755 /var/log/redis
    say "$label: not answering; starting redis-server"
    if ! detached redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
          --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log; then
      err "$label: redis-server failed to start:"; show_start_log
      echo "  last lines of /var/log/redis/ci.log:" >&2
      tail -n 10 /var/log/redis/ci.log 2>/dev/null | sed 's/^/  /' >&2
      return 1
    fi
    action="${action:+$action, }started"
  fi
  wait_for "$label" check_redis "$REDIS_PORT" || return 1
  say "$label: up after $(elapsed) (${action:-port was open}; PONG)"
}

# ---------------------------------------------------------------- Chromium ----
readonly CHROMIUM=/usr/bin/chromium

ensure_chromium() {
  if [ -x "$CHROMIUM" ]; then say "chromium: present ($CHROMIUM)"; return 0; fi
  say "chromium: $CHROMIUM is missing; installing it for the UI tests (this can take a few minutes)"
  apt_install chromium chromium || return 1
  if ! [ -x "$CHROMIUM" ]; then err "chromium: installed, but $CHROMIUM is still missing"; return 1; fi
  say "chromium: installed after $(elapsed) ($CHROMIUM)"
}

# -------------------------------------------------------------------- main ----
# Fast path: everything answers -> report and exit without locking.
if port_open "$PG_PORT" && port_open "$MY_PORT" && port_open "$REDIS_PORT" \
   && check_pg >/dev/null && check_my >/dev/null && check_redis >/dev/null && [ -x "$CHROMIUM" ]; then
  say "postgresql ($HOST:$PG_PORT): up (select 1 ok)"
  say "mariadb ($HOST:$MY_PORT): up (select 1 ok)"
  say "redis ($HOST:$REDIS_PORT): up (PONG)"
  say "chromium: present ($CHROMIUM)"
  exit 0
fi

# Slow path: serialise concurrent runs (e.g. several vitest processes starting
# at once) so two of them never start/install the same service together.
# (Braces: a bare `exec ... 2>/dev/null` would silence stderr for good.)
if { exec 9>>"$LOCK_FILE"; } 2>/dev/null; then
  if ! flock -w 900 9; then err "timed out waiting for lock $LOCK_FILE"; exit 1; fi
fi

failed=()
ensure_pg    || failed+=(postgresql)
ensure_my    || failed+=(mariadb)
ensure_redis || failed+=(redis)
ensure_chromium || failed+=(chromium)

if [ "${#failed[@]}" -gt 0 ]; then
  err "could not bring up: ${failed[*]} (see messages above). Tests that need them will fail;" \
      "fix the service or set PORTICO_SKIP_SERVICES=1 to skip this check."
  exit 1
fi
say "all services up ($(elapsed))"
