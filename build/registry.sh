#!/usr/bin/env bash
# Starts or stops a throwaway CNCF distribution registry (Debian's docker-registry) on 127.0.0.1, with a config of
# our own: the packaged /etc/docker/registry/config.yml listens on all interfaces with auth and is never used.
# Installs the Debian package when it is missing.
#
# Usage: build/registry.sh start <dir> <port> [<htpasswd-file>]   data, config, log and pid file live under <dir>
#        build/registry.sh stop <dir>                               stops the registry started with that <dir>
# With an htpasswd file (bcrypt: `htpasswd -Bbn user pass`) the registry asks for Basic auth.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

case "${1:-}" in
  start)
    dir="${2:?usage: registry.sh start <dir> <port> [<htpasswd-file>]}"
    port="${3:?usage: registry.sh start <dir> <port> [<htpasswd-file>]}"
    htpasswd="${4:-}"
    command -v docker-registry >/dev/null 2>&1 || "$here/prerequisites.sh" docker-registry
    command -v docker-registry >/dev/null 2>&1 || { echo "docker-registry is missing: apt-get install docker-registry" >&2; exit 1; }
    mkdir -p "$dir/data"
    {
      echo "version: 0.1"
      echo "log: {level: info, accesslog: {disabled: true}}"
      echo "storage: {filesystem: {rootdirectory: \"$dir/data\"}, delete: {enabled: true}}"
      echo "http: {addr: \"127.0.0.1:$port\"}"
      if [ -n "$htpasswd" ]; then echo "auth: {htpasswd: {realm: fnpkg-test, path: \"$htpasswd\"}}"; fi
    } > "$dir/config.yml"
    docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
    echo $! > "$dir/registry.pid"
    # Ready when /v2/ answers (200, or 401 with auth); give up after 15 s with the log.
    for _ in $(seq 150); do
      code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)"
      if [ "$code" = 200 ] || [ "$code" = 401 ]; then exit 0; fi
      if ! kill -0 "$(cat "$dir/registry.pid")" 2>/dev/null; then break; fi
      sleep 0.1
    done
    echo "docker-registry did not start on 127.0.0.1:$port; its log ($dir/registry.log):" >&2
    cat "$dir/registry.log" >&2
    "$0" stop "$dir" || true
    exit 1
    ;;
  stop)
    dir="${2:?usage: registry.sh stop <dir>}"
    [ -f "$dir/registry.pid" ] || exit 0
    pid="$(cat "$dir/registry.pid")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/registry.pid"
    ;;
  *)
    echo "usage: build/registry.sh start <dir> <port> [<htpasswd-file>] | stop <dir>" >&2
    exit 2
    ;;
esac
