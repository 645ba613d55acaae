#!/usr/bin/env bash
# Installs what is missing for building tcpwave: libpcap's headers. With --tests, also the
# programs the test suite compares tcpwave with (tcpdump, tshark, jq) and uses (nftables,
# iproute2, python3); without them those tests print `skipped:` and pass.
# Debian and Ubuntu: as root it runs apt-get itself (containers have no sudo), otherwise through
# sudo. Installs nothing, and says nothing, when everything is there.
set -euo pipefail

need=(libpcap-dev)
if [ "${1:-}" = "--tests" ]; then need+=(tcpdump tshark jq nftables iproute2 python3); fi

if ! command -v dpkg >/dev/null 2>&1; then
    # Not Debian or Ubuntu: only say what is needed.
    if pkg-config --exists libpcap 2>/dev/null || [ -e /usr/include/pcap/pcap.h ]; then exit 0; fi
    echo "setup: install libpcap and its headers with your package manager (macOS: brew install libpcap)" >&2
    exit 1
fi

missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as=(env DEBIAN_FRONTEND=noninteractive)
elif command -v sudo >/dev/null 2>&1; then
    as=(sudo env DEBIAN_FRONTEND=noninteractive)
else
    echo "setup: missing ${missing[*]}; as root run: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "setup: installing ${missing[*]}" >&2
"${as[@]}" apt-get update -qq
"${as[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
