#!/usr/bin/env bash
# The README's run command: builds what it needs, makes a private network namespace with a TUN device,
# starts `netstack4j host` in it and lets the kernel's own ping, ping -6 and curl (its HTTP service) talk
# to it, then cleans up.
# Needs root (namespaces, TUN). Touches nothing outside the namespace it creates.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (it creates a network namespace and a TUN device)" >&2; exit 1; }
ns="ns4j-demo-$$"
dev="ns4jdemo0"
log=$(mktemp)
pid=""

cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  ip netns del "$ns" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT INT TERM

echo "== building (first run only) and creating namespace $ns"
"$root/bin/netstack4j" --version >/dev/null
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up

echo "== starting netstack4j host on $dev (10.77.0.2, fd77::2) inside $ns"
ip netns exec "$ns" "$root/bin/netstack4j" host --tun "$dev" --mtu 1500 --ip 10.77.0.2 --prefix 24 \
  --ip6 fd77::2 --prefix6 64 --lifetime 120 --shards 2 >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  ip netns exec "$ns" ip link show "$dev" >/dev/null 2>&1 && grep -q ready "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "demo: host exited early" >&2; exit 1; }
  sleep 0.2
done
grep ready "$log"

echo "== kernel side: $dev up, 10.77.0.1/24 and fd77::1/64"
ip netns exec "$ns" ip link set "$dev" up
ip netns exec "$ns" ip addr add 10.77.0.1/24 dev "$dev"
ip netns exec "$ns" ip -6 addr add fd77::1/64 dev "$dev" nodad
sleep 0.5

for size in 56 1400 8000; do
  echo "== ping -s $size 10.77.0.2"
  ip netns exec "$ns" ping -n -c 3 -i 0.2 -W 5 -s "$size" 10.77.0.2 | tail -2
  echo "== ping -6 -s $size fd77::2"
  ip netns exec "$ns" ping -6 -n -c 3 -i 0.2 -W 5 -s "$size" fd77::2 | tail -2
done

if command -v curl >/dev/null 2>&1; then
  for url in "http://10.77.0.2/" "http://10.77.0.2/bytes/1048576" "http://[fd77::2]/bytes/1048576"; do
    echo "== curl $url"
    ip netns exec "$ns" curl -sS -g --max-time 30 -o /dev/null \
      -w '%{http_code}, %{size_download} bytes in %{time_total} s\n' "$url"
  done
else
  echo "== (curl not installed: the HTTP fetches are skipped)"
fi

echo "== stopping the host; its counters:"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
sed -n '/^SHARD/,$p' "$log"
echo "== done (namespace $ns removed)"
