#!/usr/bin/env bash
# Makes the packet captures that the wire-format oracle tests compare our parsers against.
#
# Two private network namespaces ("a" and "b", created here with a unique name prefix and removed by a
# trap) are joined by a veth pair; every checksum and segmentation offload is turned off on both ends
# so each captured checksum is the kernel's final value and no segment is larger than the MTU. The
# kernel then produces real traffic (ARP, ping, ping -6 with NDP, TCP handshakes, fragmented UDP and
# ICMP, IPv4 options, MLD and DAD) and tcpdump, listening in namespace "b", writes one small pcap per
# scenario. Nothing is configured outside the two namespaces; all addresses are documentation or
# benchmarking ranges (198.18.0.0/15, 2001:db8::/32).
#
# Usage: sudo scripts/make-captures.sh [OUTPUT_DIR]
#   OUTPUT_DIR defaults to the core module's test resources (org/netstack4j/wire/captures).
# Needs: iproute2, tcpdump, iputils-ping, ethtool, socat, bash (scripts/install-test-deps.sh).
set -euo pipefail
# ip, ethtool and tcpdump live in sbin, which a non-login PATH (a test JVM's) may lack.
export PATH="$PATH:/usr/sbin:/sbin"

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../netstack4j-core/src/test/resources/org/netstack4j/wire/captures"}

if [ "$(id -u)" -ne 0 ]; then
  echo "make-captures.sh: needs root (it creates network namespaces)" >&2
  exit 1
fi
for tool in ip tcpdump ping ethtool socat; do
  command -v "$tool" >/dev/null || { echo "make-captures.sh: missing $tool (run scripts/install-test-deps.sh)" >&2; exit 1; }
done

prefix="ns4jcap-$$"
ns_a="$prefix-a"
ns_b="$prefix-b"
work=$(mktemp -d)
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  ip netns del "$ns_a" 2>/dev/null || true
  ip netns del "$ns_b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

in_a() { ip netns exec "$ns_a" "$@"; }
in_b() { ip netns exec "$ns_b" "$@"; }

# Fixed, locally administered MACs make the link-local addresses (EUI-64) the same on every run.
mac_a=02:4e:53:34:4a:0a
mac_b=02:4e:53:34:4a:0b
v4_a=198.18.0.1
v4_b=198.18.0.2
v6_a=2001:db8:4e::1
v6_b=2001:db8:4e::2
# Ports on which b listens (TCP echo, UDP sink); closed_port has no listener.
tcp_port=5001
udp_port=5002
closed_port=5009

setup() {
  ip netns add "$ns_a"
  ip netns add "$ns_b"
  local ns
  for ns in "$ns_a" "$ns_b"; do
    # No router solicitations and no DAD on the base addresses: both would add packets at random times.
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.router_solicitations=0
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.accept_dad=0
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.accept_ra=0
    ip -n "$ns" link set lo up
  done
  ip -n "$ns_a" link add veth-a address "$mac_a" type veth peer name veth-b address "$mac_b" netns "$ns_b"
  # Software checksums and no segmentation/coalescing: the bytes on the wire are the kernel's final ones.
  in_a ethtool -K veth-a tx off rx off tso off gso off gro off >/dev/null
  in_b ethtool -K veth-b tx off rx off tso off gso off gro off >/dev/null
  ip -n "$ns_a" addr add "$v4_a/24" dev veth-a
  ip -n "$ns_b" addr add "$v4_b/24" dev veth-b
  ip -n "$ns_a" addr add "$v6_a/64" dev veth-a nodad
  ip -n "$ns_b" addr add "$v6_b/64" dev veth-b nodad
  ip -n "$ns_a" link set veth-a up
  ip -n "$ns_b" link set veth-b up
  # Let the link come up and its joining MLD reports pass before any capture starts.
  sleep 2
}

flush_neighbours() {
  ip -n "$ns_a" neigh flush dev veth-a
  ip -n "$ns_b" neigh flush dev veth-b
}

# A deterministic, printable payload (so a capture is readable in a hex dump).
payload="$work/payload"
make_payload() {
  local i
  for ((i = 0; i < 400; i++)); do
    printf 'netstack4j oracle payload line %04d\n' "$i"
  done >"$payload"
}

# capture NAME FILTER FUNCTION [tcpdump options...]: runs FUNCTION while tcpdump in b writes NAME.pcap.
capture() {
  local name=$1 filter=$2 scenario=$3
  shift 3
  local log="$work/$name.log" file="$work/$name.pcap" i
  # Immediate mode: otherwise packets still in the kernel's ring block are lost when tcpdump stops.
  # Started without a shell function in between, so $! is tcpdump itself (ip netns exec execs it).
  ip netns exec "$ns_b" tcpdump -i veth-b --immediate-mode -U -s 0 "$@" -w "$file" "$filter" 2>"$log" &
  local pid=$!
  pids+=("$pid")
  for ((i = 0; i < 100; i++)); do
    grep -qs "listening on" "$log" && break
    sleep 0.05
  done
  grep -qs "listening on" "$log" || { echo "tcpdump did not start: $(cat "$log")" >&2; exit 1; }
  "$scenario"
  sleep 0.5
  # SIGTERM, not SIGINT: background jobs of a non-interactive shell ignore SIGINT.
  kill -TERM "$pid"
  wait "$pid" || true
  cp "$file" "$out/$name.pcap"
  echo "$name.pcap: $(grep -o '[0-9]* packets captured' "$log")"
}

# ARP request (broadcast) and reply, triggered by the first ping.
scenario_arp() {
  flush_neighbours
  in_a ping -c 1 -W 1 -q "$v4_b" >/dev/null
}

# Echo request/reply of several sizes, odd ones included (checksum over an odd length).
scenario_icmpv4_echo() {
  local size
  for size in 0 1 56 999 1472; do
    in_a ping -c 1 -W 1 -q -s "$size" "$v4_b" >/dev/null
  done
}

# IPv4 header options: record route and timestamp (with addresses); the kernel echoes them back.
scenario_ipv4_options() {
  in_a ping -c 1 -W 1 -q -R "$v4_b" >/dev/null
  in_a ping -c 1 -W 1 -q -T tsandaddr "$v4_b" >/dev/null
}

# A 3000-byte echo without DF: the request and the reply are fragmented by the kernel.
scenario_icmpv4_fragmented() {
  in_a ping -c 1 -W 1 -q -M dont -s 3000 "$v4_b" >/dev/null
}

# Neighbour solicitation (multicast, source link-layer option) and advertisement (target link-layer
# option) before the first echo; then echoes of several sizes, to a global and to a link-local address.
scenario_icmpv6_echo_ndp() {
  flush_neighbours
  local size
  for size in 56 0 1 999 1452; do
    in_a ping -6 -c 1 -W 1 -q -s "$size" "$v6_b" >/dev/null
  done
  in_a ping -6 -c 1 -W 1 -q "fe80::4e:53ff:fe34:4a0b%veth-a" >/dev/null
}

# A 3000-byte ICMPv6 echo: request and reply carry fragment headers.
scenario_icmpv6_fragmented() {
  in_a ping -6 -c 1 -W 1 -q -s 3000 "$v6_b" >/dev/null
}

# A new address with DAD on: an MLDv2 report (hop-by-hop header with router alert) joins the
# solicited-node group, and a DAD neighbour solicitation from the unspecified address follows.
scenario_ipv6_mld_dad() {
  in_a sysctl -q -w net.ipv6.conf.veth-a.accept_dad=1
  ip -n "$ns_a" addr add 2001:db8:4e::a/64 dev veth-a
  sleep 2.5
}

start_udp_sink() {
  ip netns exec "$ns_b" socat -u "UDP4-RECV:$udp_port" OPEN:/dev/null &
  pids+=("$!")
  ip netns exec "$ns_b" socat -u "UDP6-RECV:$udp_port,ipv6only=1" OPEN:/dev/null &
  pids+=("$!")
  sleep 0.3
}

# One datagram per write: small, odd-sized, and 3000 bytes (fragmented, DF clear), then one to a closed
# port (the kernel answers with a port unreachable quoting it).
udp_datagrams() {
  local host=$1 size
  for size in 1 8 99 1000 3000; do
    in_a bash -c 'head -c "$1" "$2" >"/dev/udp/$3/$4"' _ "$size" "$payload" "$host" "$udp_port"
    sleep 0.05
  done
  in_a bash -c 'head -c 20 "$1" >"/dev/udp/$2/$3"' _ "$payload" "$host" "$closed_port"
}
scenario_udp_ipv4() { udp_datagrams "$v4_b"; }
scenario_udp_ipv6() { udp_datagrams "$v6_b"; }

start_tcp_echo() {
  # One connection each (no fork): the listener exits when its session ends.
  ip netns exec "$ns_b" socat "TCP4-LISTEN:$tcp_port,reuseaddr" EXEC:cat &
  pids+=("$!")
  ip netns exec "$ns_b" socat "TCP6-LISTEN:$tcp_port,reuseaddr,ipv6only=1" EXEC:cat &
  pids+=("$!")
  sleep 0.3
}

# A TCP connection with the kernel's SYN options (MSS, SACK permitted, timestamps, window scale): the
# client sends 2000 bytes, reads the echo, and closes; the server closes after it. Then a SYN to a
# closed port, answered by RST.
tcp_session() {
  local host=$1
  in_a timeout 10 bash -c '
    exec 3<>"/dev/tcp/$1/$2"
    head -c 2000 "$3" >&3
    head -c 2000 <&3 >/dev/null
    exec 3>&-' _ "$host" "$tcp_port" "$payload"
  sleep 0.3
  in_a timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$closed_port" 2>/dev/null || true
}
scenario_tcp_ipv4() { tcp_session "$v4_b"; }
scenario_tcp_ipv6() { tcp_session "$v6_b"; }

main() {
  mkdir -p "$out"
  make_payload
  setup
  capture arp "arp" scenario_arp
  capture icmpv4-echo "icmp" scenario_icmpv4_echo
  capture ipv4-options "icmp" scenario_ipv4_options
  capture icmpv4-fragmented "icmp" scenario_icmpv4_fragmented
  # ICMPv6 fragments carry next header 44 in the fixed header, hence the second term.
  capture icmpv6-echo-ndp "icmp6 or ip6[6] == 44" scenario_icmpv6_echo_ndp
  capture icmpv6-fragmented "icmp6 or ip6[6] == 44" scenario_icmpv6_fragmented
  start_udp_sink
  capture udp-ipv4 "udp or icmp" scenario_udp_ipv4
  capture udp-ipv6 "udp or icmp6 or ip6[6] == 44" scenario_udp_ipv6
  start_tcp_echo
  # Nanosecond timestamps in the TCP captures, so both pcap timestamp formats are covered.
  capture tcp-ipv4 "tcp" scenario_tcp_ipv4 --time-stamp-precision=nano
  capture tcp-ipv6 "tcp" scenario_tcp_ipv6 --time-stamp-precision=nano
  # Last: the extra address would otherwise become the preferred source of later IPv6 traffic.
  capture ipv6-mld-dad "ip6" scenario_ipv6_mld_dad
}

main
