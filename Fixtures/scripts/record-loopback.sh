#!/usr/bin/env bash
# Record real Linux kernel TCP traffic on loopback, one capture per scenario,
# into Fixtures/pcap/real/ (tcpwave's recorded fixtures).
#
#   sudo Fixtures/scripts/record-loopback.sh              # all scenarios
#   sudo Fixtures/scripts/record-loopback.sh half-close keepalive
#   sudo Fixtures/scripts/record-loopback.sh --list
#
# Everything happens inside a private network namespace (tcpwave-rec-PID) that
# is deleted on exit; the host's network is not touched.  Needs root, ip
# (iproute2), nft (nftables), tcpdump and python3; editcap (wireshark-common,
# pulled in by tshark) for the pcapng / nanosecond variants, and tshark,
# optionally, for the extra analysis checks:
#   apt-get update && apt-get install -y tcpdump nftables iproute2 tshark
#
# Environment: TCPWAVE_PCAP_OUT (output folder, default ../pcap/real),
#              PYTHON (default: python3 on PATH).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$HERE/loopback_scenarios.py
OUT=${TCPWAVE_PCAP_OUT:-$HERE/../pcap/real}
PY=${PYTHON:-$(command -v python3 || true)}
NS=tcpwave-rec-$$
NFT_TABLE="inet tcpwave"

die() { echo "record-loopback.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- arguments
[[ -n $PY ]] || die "python3 not found (set PYTHON=/path/to/python3)"
mapfile -t ALL < <("$PY" "$HELPER" list)
((${#ALL[@]})) || die "cannot run $HELPER with $PY"
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0
fi
if [[ ${1:-} == --list ]]; then printf '%s\n' "${ALL[@]}"; exit 0; fi
if (($#)); then
    WANT=("$@")
    for w in "${WANT[@]}"; do
        [[ " ${ALL[*]} " == *" $w "* ]] || die "unknown scenario '$w' (known: ${ALL[*]})"
    done
else
    WANT=("${ALL[@]}")
fi

# ---------------------------------------------------------------- preflight
[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, nftables and packet capture need it); try: sudo $0 $*"
missing=()
for tool in ip nft tcpdump; do command -v "$tool" >/dev/null || missing+=("$tool"); done
needs_editcap=0
for w in "${WANT[@]}"; do [[ $w == normal-client-close || $w == ipv6-normal ]] && needs_editcap=1; done
((needs_editcap)) && { command -v editcap >/dev/null || missing+=(editcap); }
((${#missing[@]} == 0)) || die "missing tools: ${missing[*]}
  install them with: apt-get update && apt-get install -y tcpdump nftables iproute2 tshark"
HAVE_TSHARK=0; command -v tshark >/dev/null && HAVE_TSHARK=1

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/tcpwave-rec.XXXXXX)
TCPDUMP_PID=

cleanup() {
    [[ -n $TCPDUMP_PID ]] && stop_tcpdump
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nsx() { ip netns exec "$NS" "$@"; }

# ---------------------------------------------------------------- namespace
ip netns add "$NS" || die "cannot create network namespace $NS"
# IPv6 on (::1 for ipv6-normal), lo at an Ethernet-like MTU so the MSS is the
# familiar 1460/1440 and bulk data goes in many small segments.  The other TCP
# settings are pinned to the kernel defaults so the captures' options (MSS,
# SACK-permitted, timestamps, window scale) look the same on every machine.
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0 2>/dev/null \
    || echo "record-loopback.sh: warning: could not enable IPv6 in $NS" >&2
nsx sysctl -qw net.ipv4.tcp_timestamps=1 net.ipv4.tcp_sack=1 net.ipv4.tcp_window_scaling=1 \
    net.ipv4.tcp_ecn=2 net.ipv4.tcp_syn_retries=6 >/dev/null
# Linux >= 6.5 retransmits the first SYNs every 1 s (tcp_syn_linear_timeouts,
# default 4); use the classic exponential backoff (1 s, 3 s, 7 s, ...) that
# older kernels and RFC 6298 give.
if [[ -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts ]]; then
    nsx sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0
fi
nsx ip link set lo mtu 1500
nsx ip link set lo up
nsx nft add table $NFT_TABLE || die "nftables does not work in the namespace (nf_tables kernel support?)"
nsx nft add chain $NFT_TABLE input '{ type filter hook input priority 0; policy accept; }'

# Scenario-specific nftables rules (added before, flushed after the scenario).
# Input-hook drops happen after tcpdump on lo has seen the packet, so the
# capture shows the lost segment and then its retransmission.
nft_rules() {
    local name=$1 port=$2
    case $name in
    unanswered-syn)
        nsx nft add rule $NFT_TABLE input tcp dport "$port" 'tcp flags & (syn | ack) == syn' drop ;;
    loss-reorder)   # ~3% each way; SYNs are spared so the handshake is quick
        nsx nft add rule $NFT_TABLE input tcp dport "$port" 'tcp flags & syn == 0' numgen random mod 100 '< 3' drop
        nsx nft add rule $NFT_TABLE input tcp sport "$port" 'tcp flags & syn == 0' numgen random mod 100 '< 3' drop ;;
    esac
}

# ---------------------------------------------------------------- recording
# SIGINT makes tcpdump flush and close the file; SIGTERM after 5 s if not.
stop_tcpdump() {
    local i
    kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$TCPDUMP_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$TCPDUMP_PID" 2>/dev/null && kill -TERM "$TCPDUMP_PID" 2>/dev/null
    wait "$TCPDUMP_PID" 2>/dev/null || true
    TCPDUMP_PID=
}

# record NAME FILE [extra tcpdump args...] -> capture in FILE
record() {
    local name=$1 file=$2; shift 2
    local port snaplen=262144 settle=0.3 err=$WORK/tcpdump.err
    read -r port _ < <("$PY" "$HELPER" ports "$name")
    [[ $name == loss-reorder ]] && { snaplen=128; settle=1.0; }

    nsx nft flush chain $NFT_TABLE input
    nft_rules "$name" "$port"

    rm -f "$file" "$err"
    # Started directly (not through a shell function, whose background
    # subshell would ignore SIGINT), so $! is tcpdump itself: ip netns exec
    # execs it.
    ip netns exec "$NS" tcpdump -i lo --immediate-mode -U -Z root -s "$snaplen" "$@" \
        -w "$file" "tcp port $port" 2>"$err" &
    TCPDUMP_PID=$!
    local i
    for i in $(seq 100); do                       # up to 5 s
        grep -q 'listening on' "$err" 2>/dev/null && break
        kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$err" >&2; die "tcpdump failed for $name"; }
        sleep 0.05
    done
    grep -q 'listening on' "$err" || { cat "$err" >&2; die "tcpdump did not start for $name"; }
    sleep 0.2

    local rc=0
    nsx "$PY" "$HELPER" run "$name" || rc=$?
    sleep "$settle"
    stop_tcpdump
    nsx nft flush chain $NFT_TABLE input
    ((rc == 0)) || { echo "record-loopback.sh: scenario $name failed (exit $rc)" >&2; return 1; }
    return 0
}

count() { tcpdump -r "$1" 2>/dev/null | wc -l; }

report() {
    printf '%-40s %5d packets %8d bytes\n' "${1#"$OUT"/}" "$(count "$1")" "$(stat -c %s "$1")"
}

# tshark cross-checks (when available) on top of the helper's shape check.
tshark_count() { tshark -n -r "$1" -Y "$2" 2>/dev/null | wc -l; }
tshark_check() {
    local name=$1 file=$2 n
    ((HAVE_TSHARK)) || return 0
    case $name in
    keepalive)
        n=$(tshark_count "$file" tcp.analysis.keep_alive)
        ((n >= 2)) || { echo "  $name: tshark sees only $n keep-alive probes" >&2; return 1; } ;;
    unanswered-syn)
        n=$(tshark_count "$file" 'tcp.flags.syn == 1 && tcp.analysis.retransmission')
        ((n >= 2)) || { echo "  $name: tshark sees only $n SYN retransmissions" >&2; return 1; } ;;
    loss-reorder)
        n=$(tshark_count "$file" tcp.analysis.retransmission)
        ((n >= 2)) || { echo "  $name: tshark sees only $n retransmissions" >&2; return 1; }
        n=$(tshark_count "$file" tcp.analysis.duplicate_ack)
        ((n >= 1)) || { echo "  $name: tshark sees no duplicate ACK" >&2; return 1; }
        n=$(tshark_count "$file" tcp.options.sack_le)
        ((n >= 1)) || { echo "  $name: no SACK blocks" >&2; return 1; } ;;
    esac
    return 0
}

FAILED=()
for name in "${WANT[@]}"; do
    tmp=$WORK/$name.pcap
    extra=()
    # scenario 1 is recorded with nanosecond timestamps; its .pcap/.pcapng
    # are derived from that recording (microseconds, truncated).
    [[ $name == normal-client-close ]] && extra=(--time-stamp-precision=nano)
    attempts=1; [[ $name == loss-reorder ]] && attempts=5
    ok=0
    for ((a = 1; a <= attempts; a++)); do
        record "$name" "$tmp" "${extra[@]}" || continue
        if "$PY" "$HELPER" check "$name" "$tmp" && tshark_check "$name" "$tmp"; then
            ok=1; break
        fi
        ((a < attempts)) && echo "  $name: retrying ($a/$attempts)" >&2
    done
    if ((!ok)); then
        FAILED+=("$name")
        # keep the odd capture for inspection, but under a name no test uses
        [[ -s $tmp ]] && cp "$tmp" "$OUT/$name.rejected.pcap" && echo "  kept $OUT/$name.rejected.pcap" >&2
        continue
    fi
    rm -f "$OUT/$name.rejected.pcap"
    case $name in
    normal-client-close)
        install -m 644 "$tmp" "$OUT/$name-nano.pcap"
        editcap -F pcap "$tmp" "$OUT/$name.pcap"
        editcap -F pcapng "$OUT/$name.pcap" "$OUT/$name.pcapng"
        report "$OUT/$name.pcap"; report "$OUT/$name-nano.pcap"; report "$OUT/$name.pcapng" ;;
    ipv6-normal)
        install -m 644 "$tmp" "$OUT/$name.pcap"
        editcap -F pcapng "$OUT/$name.pcap" "$OUT/$name.pcapng"
        report "$OUT/$name.pcap"; report "$OUT/$name.pcapng" ;;
    *)
        install -m 644 "$tmp" "$OUT/$name.pcap"
        report "$OUT/$name.pcap" ;;
    esac
done

if ((${#FAILED[@]})); then
    echo "record-loopback.sh: FAILED: ${FAILED[*]}" >&2
    exit 1
fi
echo "total: $(du -sh "$OUT" | cut -f1) in $OUT"
