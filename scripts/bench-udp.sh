#!/usr/bin/env bash
# UDP echo latency and rate of `netstack4j host` over a TUN device, next to the two references of the
# shared benchmark harness (../shared/bench, or $HB_DIR): gVisor's netstack on the same kind of TUN, and
# the Linux kernel over a veth pair. Every figure comes from the harness's own client (hb_echolat -u, one
# 64-byte datagram in flight, 1 s loss timeout) and its accounting (peer CPU = CPU of the peer's session).
#
# Our host is measured without the harness's measure-tun-peer.sh, because that waits for TCP on :9 and :7
# before any test; this script sets up the same namespace and TUN device itself (the harness's defaults:
# TUN hbtun0, MTU 1500, kernel side 198.18.0.1/24 and 2001:2::1/64, peer 198.18.0.2 and 2001:2::2), starts
# the host in it with the peer contract's environment, and waits until UDP echo on :7 answers.
#
#   sudo scripts/bench-udp.sh                      # 3 rounds, interleaved kernel / gVisor / netstack4j
#   REPEAT=1 LAT_DURATION=2 sudo scripts/bench-udp.sh
#   PEERS="netstack4j" sudo scripts/bench-udp.sh   # only ours
#
# Env: REPEAT (3), PEERS ("kernel gvisor netstack4j"), TESTS (udp_echo; ping too, say), LAT_DURATION (5),
#   MSG_SIZE (64), WARMUP (0: seconds of untimed echo before the measured one, e.g. to let the JIT
#   compile; the harness itself does not warm up), PEER_CMD (how to start our host; default the launcher
#   bin/netstack4j host), NETSTACK4J_JAVA_OPTS (extra JVM options for the launcher), READY_TIMEOUT (30),
#   HB_DIR, HB_WORK.
# Writes $HB_WORK/runs/udp-<stamp>.txt (metric lines) and udp-<stamp>.md (tables) and prints the tables.
# Exit status 0 when every figure was measured, 1 when some are NA.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/bench-env.sh"
BENCH=$HB_DIR
source "$HB_DIR/lib.sh"
hb_need_root
hb_build
export SKIP_BUILD=1

REPEAT=${REPEAT:-3}
PEERS=${PEERS:-"kernel gvisor netstack4j"}
export TESTS=${TESTS:-udp_echo} LAT_DURATION=${LAT_DURATION:-5} MSG_SIZE=${MSG_SIZE:-64}
WARMUP=${WARMUP:-0}
READY_TIMEOUT=${READY_TIMEOUT:-30}
PEER_CMD=${PEER_CMD:-"exec '$root/bin/netstack4j' host"}
stamp=$(date +%Y%m%d-%H%M%S)
export HB_RESULTS=$RUNS/udp-$stamp.txt
: >"$HB_RESULTS"

# Our namespaces (hb-* as the harness requires); the kernel reference's are named apart from kernel-veth.sh's.
NS_OURS=hb-udp-ns4j NS_KA=hb-udp-ka NS_KB=hb-udp-kb
PIDS=()
stop_pids() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.2
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pids
  hb_ns_delete $NS_OURS
  hb_ns_delete $NS_KA
  hb_ns_delete $NS_KB
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Untimed echo traffic before the measured one (WARMUP seconds), from namespace $1 to address $2.
warm_up() {
  [[ $WARMUP == 0 ]] && return 0
  ip netns exec "$1" "$BIN/hb_echolat" -u -H "$2" -p 7 -t "$WARMUP" -s "$MSG_SIZE" >/dev/null 2>&1 || true
}

# Waits until UDP echo on $2:7 answers from inside namespace $1, while process $3 lives.
wait_udp_echo() {
  local ns=$1 addr=$2 pid=$3 deadline=$(( $(date +%s) + READY_TIMEOUT ))
  # One probe lasts at most ~1 s: the client's loss timeout.
  until ip netns exec "$ns" "$BIN/hb_echolat" -u -H "$addr" -p 7 -t 0.2 -s 16 >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { hb_log "peer exited before UDP echo answered"; return 1; }
    (( $(date +%s) < deadline )) || { hb_log "no UDP echo on $addr:7 after ${READY_TIMEOUT}s"; return 1; }
    sleep 0.2
  done
}

# The Linux kernel on both ends of a veth pair, as kernel-veth.sh sets it up (MTU 1500, offloads on).
run_kernel() {
  local label=kernel.veth.mtu1500 a4=198.18.1.1 b4=198.18.1.2
  hb_ns_create $NS_KA
  hb_ns_create $NS_KB
  ip -n $NS_KA link add hbu-a type veth peer name hbu-b netns $NS_KB
  ip -n $NS_KA addr add $a4/24 dev hbu-a
  ip -n $NS_KB addr add $b4/24 dev hbu-b
  ip -n $NS_KA link set hbu-a up
  ip -n $NS_KB link set hbu-b up
  ip netns exec $NS_KB setsid "$BIN/hb_server" -T $((READY_TIMEOUT + 120 + 4 * LAT_DURATION)) \
    >"$RUNS/udp.kernel.hb_server.log" 2>&1 &
  local pid=$!
  PIDS=("$pid")
  if wait_udp_echo $NS_KA $b4 "$pid"; then
    warm_up $NS_KA $b4
    hb_suite "$label" $NS_KA $b4 "$pid"
  else
    hb_metric "$label.udp_echo_rtt_p50" NA us
  fi
  stop_pids
  hb_ns_delete $NS_KA
  hb_ns_delete $NS_KB
}

# gVisor's netstack through the harness's own script (it serves TCP too, so the harness's wait works).
run_gvisor() {
  if [[ $WARMUP != 0 ]]; then
    hb_log "gvisor: WARMUP is not applied (measured by gvisor-tun.sh as is)"
  fi
  MTUS=1500 "$HB_DIR/gvisor-tun.sh" >/dev/null || hb_log "gvisor-tun.sh failed (rc $?)"
}

# `netstack4j host` on a TUN device made the way measure-tun-peer.sh makes it, with its peer contract.
run_ours() {
  local label=netstack4j.mtu1500
  # The peer contract's variables, for the host only (not exported here: the gVisor run after this one
  # must get the harness's own defaults).
  local contract=(NS=$NS_OURS TUN=hbtun0 TUN_MTU=1500 TUN_MQ=0 TUN_QUEUES=1 TUN_VNET_HDR=0
    HOST_IP=198.18.0.1 PEER_IP=198.18.0.2 PEER_PREFIX=24 PEER_CIDR=198.18.0.2/24
    HOST_IP6=2001:2::1 PEER_IP6=2001:2::2 PEER_PREFIX6=64
    HB_LIFETIME=$((READY_TIMEOUT + 120 + 4 * (LAT_DURATION + WARMUP))))
  local NS=$NS_OURS TUN=hbtun0 PEER_IP=198.18.0.2 PEER_IP6=2001:2::2
  hb_ns_create "$NS"
  ip -n "$NS" tuntap add dev "$TUN" mode tun
  ip -n "$NS" link set "$TUN" mtu 1500
  ip -n "$NS" addr add 198.18.0.1/24 dev "$TUN"
  ip -n "$NS" -6 addr add 2001:2::1/64 dev "$TUN" nodad
  ip -n "$NS" link set "$TUN" up
  local log=$RUNS/$label.udp.peer.log
  hb_log "$label: starting peer in $NS on $TUN: $PEER_CMD  [log: $log]"
  # Own session (setsid, and the command execs the JVM): the session id is the peer's PID, so the
  # harness's accounting sums the CPU of every thread of the JVM.
  env "${contract[@]}" ip netns exec "$NS" setsid bash -c "$PEER_CMD" </dev/null >"$log" 2>&1 &
  local pid=$!
  PIDS=("$pid")
  if wait_udp_echo "$NS" "$PEER_IP" "$pid"; then
    hb_log "$label: UDP echo answers (pid $pid)"
    warm_up "$NS" "$PEER_IP"
    hb_suite "$label" "$NS" "$PEER_IP" "$pid" "$PEER_IP6"
    local stats
    stats=$(ip -n "$NS" -s link show "$TUN")
    hb_metric "$label.tun_tx_dropped" "$(awk '/TX:/ {getline; print $4; exit}' <<<"$stats")" packets
    hb_metric "$label.tun_rx_errors" "$(awk '/RX:/ {getline; print $3; exit}' <<<"$stats")" packets
  else
    tail -20 "$log" >&2
    hb_metric "$label.udp_echo_rtt_p50" NA us
  fi
  stop_pids
  hb_ns_delete "$NS"
}

# Build the host's jar now, outside the measured namespace (the launcher builds it when it is stale).
if [[ " $PEERS " == *" netstack4j "* ]]; then
  "$root/bin/netstack4j" --version >/dev/null
fi
for ((r = 1; r <= REPEAT; r++)); do
  hb_log "=== round $r/$REPEAT ==="
  for p in $PEERS; do
    case $p in
    kernel) run_kernel ;;
    gvisor) run_gvisor ;;
    netstack4j) run_ours ;;
    *) hb_log "unknown peer $p (kernel gvisor netstack4j)" ;;
    esac
  done
done

summary=$RUNS/udp-$stamp.md
{
  echo "# UDP echo $stamp ($REPEAT round(s), $(nproc) CPUs, kernel $(uname -r), ${MSG_SIZE} B, ${LAT_DURATION} s, warm-up ${WARMUP} s)"
  echo
  "$HB_DIR/aggregate.py" --pivot "$HB_RESULTS"
  echo
  "$HB_DIR/aggregate.py" "$HB_RESULTS"
} >"$summary"
cat "$summary"
hb_log "raw: $HB_RESULTS  summary: $summary"
# Exit 1 when any figure is missing (a peer that did not answer, a failed test).
! grep -q ' NA ' "$HB_RESULTS"
