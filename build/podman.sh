#!/usr/bin/env bash
# Runs podman with settings that work on these machines, all under <dir> (never the machine's containers config or
# storage): runtime runc, cgroup_manager cgroupfs, vfs storage, default_ulimits 1024 (crun and the default ulimits
# fail here), no default network (callers use --network none or host), <registry> trusted over plain HTTP.
# Installs podman and runc when missing.
#
# Usage: build/podman.sh <dir> <insecure-registry host:port> <podman args...>
#        e.g. build/podman.sh /tmp/x/podman 127.0.0.1:5000 run --rm --network none 127.0.0.1:5000/fn/app:1
#        build/podman.sh <dir> --cleanup              removes the run root kept outside <dir> (see below)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:?usage: podman.sh <dir> <insecure-registry|-> <podman args...>}"
registry="${2:?usage: podman.sh <dir> <insecure-registry|-|--cleanup> <podman args...>}"
shift 2
# podman refuses a run root longer than 50 characters, so it lives in a short folder named after <dir>.
runroot="${TMPDIR:-/tmp}/fnpkg-podman-$(printf '%s' "$dir" | sha256sum | cut -c1-12)"
if [ "$registry" = --cleanup ]; then rm -rf "$runroot"; exit 0; fi

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
if [ "${#missing[@]}" -gt 0 ]; then "$here/prerequisites.sh" "${missing[@]}"; fi
command -v podman >/dev/null 2>&1 || { echo "podman is missing: apt-get install podman runc" >&2; exit 1; }

mkdir -p "$dir/storage" "$runroot" "$dir/tmp" "$dir/xdg-runtime" "$dir/xdg-config" "$dir/xdg-data"
chmod 0700 "$dir/xdg-runtime"
cat > "$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nproc=1024:1024", "nofile=1024:1024"]
netns = "none"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$dir/tmp"
[network]
network_config_dir = "$dir/networks"
CONF
cat > "$dir/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$dir/storage"
runroot = "$runroot"
CONF
{
  echo 'unqualified-search-registries = []'
  if [ "$registry" != - ]; then printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$registry"; fi
} > "$dir/registries.conf"

export CONTAINERS_CONF="$dir/containers.conf" CONTAINERS_STORAGE_CONF="$dir/storage.conf" CONTAINERS_REGISTRIES_CONF="$dir/registries.conf"
export XDG_RUNTIME_DIR="$dir/xdg-runtime" XDG_CONFIG_HOME="$dir/xdg-config" XDG_DATA_HOME="$dir/xdg-data" TMPDIR="$dir/tmp"
# --root/--runroot too: podman as root otherwise keeps some state under /var/lib/containers.
exec podman --root "$dir/storage" --runroot "$runroot" --storage-driver vfs --cgroup-manager cgroupfs --runtime runc \
  --tmpdir "$dir/tmp" "$@"
