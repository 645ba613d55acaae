#!/usr/bin/env bash
# Installs what is missing for building tcpwave: libpcap's headers. With --tests, also the
# programs the test suite compares tcpwave with (tcpdump, tshark, jq) and uses (nftables,
# iproute2, python3), and chDB (ClickHouse in-process, from PyPI) in a virtual environment at
# ${XDG_CACHE_HOME:-~/.cache}/tcpwave/chdb-venv for ClickHouseTests; without them those tests print
# `skipped:` and pass.
# Debian and Ubuntu: as root it runs apt-get itself (containers have no sudo), otherwise through
# sudo. Installs nothing, and says nothing, when everything is there.
set -euo pipefail

need=(libpcap-dev)
if [ "${1:-}" = "--tests" ]; then need+=(tcpdump tshark jq nftables iproute2 python3 python3-venv); fi

# chDB in its own virtual environment: Debian's python3 refuses `pip install` into the system
# (PEP 668), and a venv needs neither root nor --break-system-packages.
install_chdb() {
    local venv="${XDG_CACHE_HOME:-$HOME/.cache}/tcpwave/chdb-venv"
    "$venv/bin/python3" -c 'import chdb' >/dev/null 2>&1 && return 0
    command -v python3 >/dev/null 2>&1 || return 0
    echo "setup: installing chdb (pip) into $venv" >&2
    if python3 -m venv "$venv" && "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check chdb; then
        return 0
    fi
    echo "setup: could not install chdb; ClickHouseTests will be skipped" >&2
}

if ! command -v dpkg >/dev/null 2>&1; then
    # Not Debian or Ubuntu: only say what is needed.
    if pkg-config --exists libpcap 2>/dev/null || [ -e /usr/include/pcap/pcap.h ]; then exit 0; fi
    echo "setup: install libpcap and its headers with your package manager (macOS: brew install libpcap)" >&2
    exit 1
fi

missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
    if [ "${1:-}" = "--tests" ]; then install_chdb; fi
    exit 0
fi

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
if [ "${1:-}" = "--tests" ]; then install_chdb; fi
