#!/usr/bin/env bash
# Installs the Debian packages the tests use (real-peer and oracle tests): iproute2 for namespaces,
# TUN/TAP and veth; tcpdump and tshark to capture and decode; ping; gcc for the test-only C library;
# socat as the TCP/UDP peer in scripts/make-captures.sh.
# Idempotent: does nothing when everything is present. Needs root (apt-get).
set -euo pipefail
pkgs=(iproute2 iputils-ping tcpdump tshark gcc util-linux procps iperf3 curl ethtool socat)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages ${missing[*]} and not root: tests that need them will be skipped" >&2
  exit 0
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections || true
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
