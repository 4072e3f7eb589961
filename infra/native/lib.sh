# shellcheck shell=bash
# Shared helpers for the infra/native engine scripts. Sourced, never executed.
#
# Every engine script keeps ALL of its per-instance state (generated config, pid file, log,
# data) under its own data dir, so two instances with different PORT/DATA_DIR env vars never
# share anything but the read-only install (the Kafka jars in .cache/, the Debian packages).

HPG_NATIVE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HPG_NATIVE_CACHE_DIR=${HPG_NATIVE_CACHE_DIR:-$HPG_NATIVE_DIR/.cache}
HPG_NATIVE_DATA_ROOT=${HPG_NATIVE_DATA_ROOT:-$HPG_NATIVE_DIR/.data}
HPG_NATIVE_HOST=127.0.0.1
# Seconds to wait for an engine to become healthy, and for it to exit after SIGTERM.
HPG_START_TIMEOUT=${HPG_START_TIMEOUT:-90}
HPG_STOP_TIMEOUT=${HPG_STOP_TIMEOUT:-30}

ENGINE=${ENGINE:-native}

log() { printf '[%s] %s\n' "$ENGINE" "$*" >&2; }

die() {
  printf '[%s] ERROR: %s\n' "$ENGINE" "$*" >&2
  exit 1
}

now_s() { date +%s; }

# abs_path PATH: PATH made absolute (it need not exist yet).
abs_path() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}

# require_port NAME VALUE: dies unless VALUE is a TCP port number.
require_port() {
  if ! [[ $2 =~ ^[0-9]{1,5}$ ]] || ((10#$2 < 1 || 10#$2 > 65535)); then
    die "$1 must be a TCP port, got '$2'"
  fi
}

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/$HPG_NATIVE_HOST/$1") 2>/dev/null
}

# require_free_port NAME PORT: dies if the port is taken (by another engine or instance).
require_free_port() {
  if port_open "$2"; then
    die "$1 port $HPG_NATIVE_HOST:$2 is already in use (by a process that is not this instance); choose another with the env var"
  fi
}

# pid_running PIDFILE MARKER: true if PIDFILE names a live process whose command line contains
# MARKER (the instance's config path), so a recycled pid is never mistaken for the engine.
pid_running() {
  local pidfile=$1 marker=$2 pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

# spawn_daemon PIDFILE LOGFILE CMD...: runs CMD detached (own session, stdin from /dev/null,
# stdout+stderr appended to LOGFILE) and writes its pid to PIDFILE before exec'ing it.
spawn_daemon() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # $$ and "$@" are meant for the inner shell
  nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.1
  done
  die "could not start: $*"
}

# log_tail LOGFILE [N]: prints the last N lines of the log to stderr.
log_tail() {
  local n=${2:-40}
  if [[ -f $1 ]]; then
    printf '[%s] ---- last %s lines of %s ----\n' "$ENGINE" "$n" "$1" >&2
    tail -n "$n" "$1" >&2
    printf '[%s] ---- end of log ----\n' "$ENGINE" >&2
  else
    printf '[%s] (no log file at %s)\n' "$ENGINE" "$1" >&2
  fi
}

# wait_healthy PIDFILE MARKER LOGFILE CHECK_FN [keep]: polls CHECK_FN until it succeeds. Fails
# with the log tail if the process dies or HPG_START_TIMEOUT elapses; the process is then
# stopped, unless "keep" is given (used when checking an instance that was already running).
wait_healthy() {
  local pidfile=$1 marker=$2 logfile=$3 check=$4 keep=${5:-} deadline
  deadline=$(($(now_s) + HPG_START_TIMEOUT))
  while :; do
    if ! pid_running "$pidfile" "$marker"; then
      log_tail "$logfile"
      die "the process exited during start-up (see the log above: $logfile)"
    fi
    if "$check"; then
      return 0
    fi
    if (($(now_s) >= deadline)); then
      log_tail "$logfile"
      if [[ $keep == keep ]]; then
        die "running but not healthy after ${HPG_START_TIMEOUT}s (HPG_START_TIMEOUT); left running. Log: $logfile"
      fi
      stop_pid "$pidfile" "$marker" || true
      die "not healthy after ${HPG_START_TIMEOUT}s (HPG_START_TIMEOUT); stopped it. Log: $logfile"
    fi
    sleep 0.5
  done
}

# proc_alive PID: true if PID exists and is not a zombie.
proc_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
  state=${state%% *}
  [[ $state != Z && $state != X ]]
}

# stop_pid PIDFILE MARKER: SIGTERM, wait up to HPG_STOP_TIMEOUT, then SIGKILL. Idempotent.
stop_pid() {
  local pidfile=$1 marker=$2 pid deadline
  if ! pid_running "$pidfile" "$marker"; then
    rm -f "$pidfile"
    return 0
  fi
  pid=$(<"$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(($(now_s) + HPG_STOP_TIMEOUT))
  while proc_alive "$pid"; do
    if (($(now_s) >= deadline)); then
      log "pid $pid still alive ${HPG_STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$pidfile"
}

# as_root CMD...: runs CMD as root (directly when already root, else through sudo).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    die "need root (or passwordless sudo) to run: $*"
  fi
}

# apt_install PKG...: installs the Debian packages that are missing; no-op when all are there.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install ${missing[*]} by hand"
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
}

# print_status NAME PIDFILE MARKER HEALTH_FN URL: one line; exit code 0 healthy, 1 running but
# not healthy, 3 not running (LSB style).
print_status() {
  local name=$1 pidfile=$2 marker=$3 check=$4 url=$5
  if ! pid_running "$pidfile" "$marker"; then
    echo "$name: stopped"
    return 3
  fi
  if "$check"; then
    echo "$name: running (pid $(<"$pidfile")) healthy at $url"
    return 0
  fi
  echo "$name: running (pid $(<"$pidfile")) but NOT healthy at $url"
  return 1
}

# Stops the instance named by its pid file and config, or says it was not running.
stop_instance() {
  if pid_running "$1" "$2"; then
    log "stopping pid $(<"$1")"
    stop_pid "$1" "$2"
    log "stopped"
  else
    rm -f "$1"
    log "not running"
  fi
}

# Prints the calling script's header comment (its manual) and exits 2.
usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[-1]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}
