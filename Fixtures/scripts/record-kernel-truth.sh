#!/usr/bin/env bash
# Record kernel-truth fixtures into Fixtures/pcap/kernel/: for each scenario a capture
# (NAME.pcap) taken on a router between a client and a server, and the TCP states the
# Linux kernel's sockets went through (NAME.states), traced while the packets flowed.
#
#   sudo Fixtures/scripts/record-kernel-truth.sh              # all scenarios
#   sudo Fixtures/scripts/record-kernel-truth.sh lost-fin keepalive
#   sudo Fixtures/scripts/record-kernel-truth.sh --list
#
# Three private network namespaces (client, router, server; 198.18.1.0/24 and
# 198.18.2.0/24 on veth pairs, which exist only inside them) are created and deleted on
# exit; the host's network is not touched.  The router forwards, and its nftables
# forward chain drops chosen packets (numgen counters: "the first FIN", ...).
# bpftrace traces tracepoint:sock:inet_sock_set_state (every namespace; the helper keeps
# the test addresses); the helper polls the end namespaces' socket tables every 5 ms for
# SYN_RECV request sockets and TIME_WAIT sockets, which that tracepoint cannot show.
#
# Needs root, ip (iproute2), nft (nftables), tcpdump, bpftrace and python3:
#   apt-get update && apt-get install -y iproute2 nftables tcpdump bpftrace python3
# Environment: TCPWAVE_PCAP_OUT (output folder, default ../pcap/kernel),
#              PYTHON (default: python3 on PATH).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPER=$HERE/kernel_truth.py
OUT=${TCPWAVE_PCAP_OUT:-$HERE/../pcap/kernel}
PY=${PYTHON:-$(command -v python3 || true)}
CLIENT=tcpwave-kt-client-$$
ROUTER=tcpwave-kt-router-$$
SERVER=tcpwave-kt-server-$$

die() { echo "record-kernel-truth.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- arguments
[[ -n $PY ]] || die "python3 not found (set PYTHON=/path/to/python3)"
mapfile -t ALL < <("$PY" "$HELPER" list)
((${#ALL[@]})) || die "cannot run $HELPER with $PY"
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0
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
[[ $EUID -eq 0 ]] || die "must run as root (namespaces, nftables, capture and bpftrace need it); try: sudo $0 $*"
missing=()
for tool in ip nft tcpdump bpftrace; do command -v "$tool" >/dev/null || missing+=("$tool"); done
((${#missing[@]} == 0)) || die "missing tools: ${missing[*]}
  install them with: apt-get update && apt-get install -y iproute2 nftables tcpdump bpftrace"
# bpftrace finds tracepoints through tracefs.
if [[ ! -e /sys/kernel/tracing/events/sock/inet_sock_set_state && ! -e /sys/kernel/debug/tracing/events/sock/inet_sock_set_state ]]; then
    mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi
[[ -e /sys/kernel/tracing/events/sock/inet_sock_set_state || -e /sys/kernel/debug/tracing/events/sock/inet_sock_set_state ]] \
    || die "tracepoint sock:inet_sock_set_state not found (tracefs not mounted at /sys/kernel/tracing?)"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d /tmp/tcpwave-kt.XXXXXX)
BPF_PID=

cleanup() {
    if [[ -n $BPF_PID ]]; then
        kill -INT "$BPF_PID" 2>/dev/null || true
        wait "$BPF_PID" 2>/dev/null || true
    fi
    for ns in "$CLIENT" "$ROUTER" "$SERVER"; do
        # anything a crashed helper left running in our namespaces (tcpdump), by pid
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- namespaces
#   client  c0 198.18.1.2 --- to-client 198.18.1.1  router  to-server 198.18.2.1 --- s0 198.18.2.2  server
for ns in "$CLIENT" "$ROUTER" "$SERVER"; do
    ip netns add "$ns" || die "cannot create network namespace $ns"
    ip -n "$ns" link set lo up
    # kernel defaults, pinned so every machine records the same options and timers
    ip netns exec "$ns" sysctl -qw net.ipv4.tcp_timestamps=1 net.ipv4.tcp_sack=1 \
        net.ipv4.tcp_window_scaling=1 net.ipv4.tcp_ecn=2 net.ipv4.tcp_syn_retries=6 >/dev/null
done
ip link add c0 netns "$CLIENT" type veth peer name to-client netns "$ROUTER"
ip link add s0 netns "$SERVER" type veth peer name to-server netns "$ROUTER"
ip -n "$CLIENT" addr add 198.18.1.2/24 dev c0
ip -n "$ROUTER" addr add 198.18.1.1/24 dev to-client
ip -n "$ROUTER" addr add 198.18.2.1/24 dev to-server
ip -n "$SERVER" addr add 198.18.2.2/24 dev s0
ip -n "$CLIENT" link set c0 up
ip -n "$ROUTER" link set to-client up
ip -n "$ROUTER" link set to-server up
ip -n "$SERVER" link set s0 up
ip -n "$CLIENT" route add default via 198.18.1.1
ip -n "$SERVER" route add default via 198.18.2.1
ip netns exec "$ROUTER" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$ROUTER" nft add table inet tcpwave \
    || die "nftables does not work in the namespace (nf_tables kernel support?)"
ip netns exec "$ROUTER" nft add chain inet tcpwave forward '{ type filter hook forward priority 0; policy accept; }'

# ---------------------------------------------------------------- tracing
# Every state change of every TCP socket (kprobes are not needed): time in ns
# (CLOCK_MONOTONIC, the helper's clock too), socket, addresses, ports, old and new state.
ulimit -l unlimited 2>/dev/null || true
bpftrace -e '
tracepoint:sock:inet_sock_set_state /args->protocol == 6 && args->family == 2/ {
    printf("%llu %p %s %d %s %d %d %d\n", nsecs, args->skaddr,
           ntop(2, args->saddr), args->sport, ntop(2, args->daddr), args->dport,
           args->oldstate, args->newstate);
}' >"$WORK/trace.txt" 2>"$WORK/bpftrace.err" &
BPF_PID=$!
for _ in $(seq 200); do
    grep -q 'Attaching' "$WORK/trace.txt" "$WORK/bpftrace.err" 2>/dev/null && break
    kill -0 "$BPF_PID" 2>/dev/null || { cat "$WORK/bpftrace.err" >&2; die "bpftrace failed"; }
    sleep 0.1
done
sleep 1

FAILED=()
for name in "${WANT[@]}"; do
    if "$PY" "$HELPER" run "$name" --out "$OUT" --trace "$WORK/trace.txt" \
        --client "$CLIENT" --router "$ROUTER" --server "$SERVER"; then
        printf '%-40s %5d packets\n' "${OUT#"$PWD"/}/$name.pcap" "$(tcpdump -r "$OUT/$name.pcap" 2>/dev/null | wc -l)"
    else
        FAILED+=("$name")
    fi
done
if ((${#FAILED[@]})); then
    echo "record-kernel-truth.sh: FAILED: ${FAILED[*]}" >&2
    exit 1
fi
