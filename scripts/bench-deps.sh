#!/usr/bin/env bash
# Installs what the end-to-end benchmark harness needs and builds its clients and reference peers.
# Idempotent: apt-get only installs missing packages, the harness's build is incremental.
# Run as root. The harness lives in ../shared/bench next to the repository (override with HB_DIR).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/bench-env.sh"

[ "$(id -u)" = 0 ] || { echo "bench-deps: must run as root (apt-get, and the harness builds as root)" >&2; exit 2; }
echo "bench-deps: harness $HB_DIR, work dir $HB_WORK" >&2
# The package index first: a fresh machine's may be empty or stale, so the harness's install could not
# find its packages.
DEBIAN_FRONTEND=noninteractive apt-get update -qq
"$HB_DIR/install-deps.sh"
"$HB_DIR/build.sh"
