#!/usr/bin/env bash
# End-to-end benchmarks of `netstack4j host` with the shared harness (../shared/bench, or $HB_DIR): the
# host is the harness's TUN peer (measure-tun-peer.sh), measured next to gVisor's netstack (gvisor-tun.sh)
# and the Linux kernel over veth (kernel-veth.sh) in the same run. Results go under the harness's $HB_WORK
# (runs/), and the side-by-side table is printed.
#
#   sudo scripts/bench.sh                  # once each: netstack4j, gVisor, kernel (MTU 1500 veth only)
#   sudo scripts/bench.sh run-all          # the harness's run-all.sh with us as an extra peer (REPEAT=3,
#                                          # ~7 min per repeat plus ours)
#   MODE=ours sudo scripts/bench.sh        # only netstack4j (measure-tun-peer.sh)
#   sudo scripts/bench.sh profile          # only netstack4j, TESTS=tx by default, with a JFR recording of
#                                          # the host; prints its hottest methods
#
# Env: TESTS (the harness's default list), DURATION, LAT_DURATION, CONN_DURATION, REPEAT (run-all), MODE
#   (side|ours|profile|run-all; the first argument also sets it), PEER_CMD (how to start our host; default the
#   launcher bin/netstack4j host), NETSTACK4J_JAVA_OPTS (extra JVM options, e.g. a JFR recording),
#   KERNEL_VARIANTS (mtu1500), HB_DIR, HB_WORK. Any other variable reaches the peer (harness contract).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/bench-env.sh"
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (namespaces, TUN devices)" >&2; exit 2; }

MODE=${1:-${MODE:-side}}
PEER_CMD=${PEER_CMD:-"exec '$root/bin/netstack4j' host"}
# Build the host's jar and the harness now, not inside the measured run.
"$root/bin/netstack4j" --version >/dev/null
"$HB_DIR/build.sh" 2>/dev/null
export SKIP_BUILD=1
runs=$HB_WORK/runs
mkdir -p "$runs"
stamp=$(date +%Y%m%d-%H%M%S)

case $MODE in
run-all)
  exec "$HB_DIR/run-all.sh" netstack4j="$PEER_CMD"
  ;;
ours|profile)
  if [[ $MODE == profile ]]; then
    export TESTS=${TESTS:-tx}
    jfr=$runs/netstack4j-$stamp.jfr
    # The recording is written when the host exits (the harness stops it with SIGTERM).
    export NETSTACK4J_JAVA_OPTS="${NETSTACK4J_JAVA_OPTS:-} -XX:StartFlightRecording=filename=$jfr,settings=profile,method-profiling=max,dumponexit=true"
  fi
  export HB_RESULTS=$runs/netstack4j-$stamp.txt
  : >"$HB_RESULTS"
  rc=0
  LABEL=netstack4j.mtu${TUN_MTU:-1500} "$HB_DIR/measure-tun-peer.sh" "$PEER_CMD" >/dev/null || rc=$?
  "$HB_DIR/aggregate.py" --pivot "$HB_RESULTS"
  echo "raw: $HB_RESULTS" >&2
  if [[ $MODE == profile ]]; then
    # `jfr view` needs JDK 21 or newer; the jfr on the PATH may be older, so try each one found.
    for j in ${JAVA_HOME:+$JAVA_HOME/bin/jfr} /usr/lib/jvm/*/bin/jfr /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/jfr; do
      [[ -x $j ]] && "$j" view --width 160 hot-methods "$jfr" 2>/dev/null | head -30 && break
    done
    echo "recording: $jfr" >&2
  fi
  exit $rc
  ;;
side)
  export HB_RESULTS=$runs/bench-$stamp.txt
  : >"$HB_RESULTS"
  fails=0
  LABEL=netstack4j.mtu1500 TUN_MTU=1500 "$HB_DIR/measure-tun-peer.sh" "$PEER_CMD" >/dev/null || fails=$((fails+1))
  MTUS=1500 "$HB_DIR/gvisor-tun.sh" >/dev/null || fails=$((fails+1))
  VARIANTS=${KERNEL_VARIANTS:-mtu1500} "$HB_DIR/kernel-veth.sh" >/dev/null || fails=$((fails+1))
  summary=$runs/bench-$stamp.md
  {
    echo "# netstack4j vs gVisor vs kernel, $stamp ($(nproc) CPUs, kernel $(uname -r))"
    echo
    "$HB_DIR/aggregate.py" --pivot "$HB_RESULTS"
  } >"$summary"
  cat "$summary"
  echo "raw: $HB_RESULTS  summary: $summary  failed script runs: $fails" >&2
  [[ $fails == 0 ]]
  ;;
*)
  echo "bench: unknown mode '$MODE' (side, ours, run-all)" >&2
  exit 2
  ;;
esac
