#!/usr/bin/env python3
"""Kernel-truth scenarios for record-kernel-truth.sh (Python 3, standard library only).

Runs one TCP scenario between a client and a server namespace through a router
namespace, capturing on one of the router's interfaces, while bpftrace (started by
the shell script) logs every `sock:inet_sock_set_state` event and two poller
threads read the socket tables of the end namespaces every 5 ms for the states
that tracepoint cannot show (request sockets in SYN_RECV, TIME_WAIT sockets).

    kernel_truth.py list
    kernel_truth.py run NAME --out DIR --trace FILE --client NS --router NS --server NS

Writes DIR/NAME.pcap and DIR/NAME.states (JSON, see Fixtures/pcap/kernel/README.md).
"""
import ctypes
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

CLIENT_IP, ROUTER_C_IP, ROUTER_S_IP, SERVER_IP = "198.18.1.2", "198.18.1.1", "198.18.2.1", "198.18.2.2"
TO_CLIENT, TO_SERVER = "to-client", "to-server"     # the router's interfaces

# Kernel state numbers (include/net/tcp_states.h) -> tcpwave's spellings.
KERNEL_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECEIVED", 4: "FIN_WAIT_1", 5: "FIN_WAIT_2",
                 6: "TIME_WAIT", 7: "CLOSED", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN",
                 11: "CLOSING", 12: "SYN_RECEIVED"}   # 12 = NEW_SYN_RECV, a request socket

# name: (server port, client port, capture interface, nft rules for the router's forward chain, summary)
# The forward hook runs between the two interfaces: a packet dropped there was seen by a
# capture on the interface it came in on and is missing from one on the interface it
# would have left by.
SCENARIOS = {
    "normal-close": (5101, 40101, TO_SERVER, [],
                     "request, reply, the client closes first, the server closes after reading EOF"),
    "fin-ack-together": (5111, 40111, TO_SERVER, [],
                         "request, reply, the client closes first; the server closes as soon as it reads EOF, "
                         "so its ACK of the client's FIN rides on its own FIN (one FIN,ACK segment)"),
    "half-close": (5102, 40102, TO_SERVER, [],
                   "the client sends a request and shuts down writing; the server sends three replies "
                   "into the half-closed connection, then closes"),
    "lost-fin": (5103, 40103, TO_SERVER,
                 # the client's first two FIN transmissions dropped
                 [f"ip saddr {CLIENT_IP} tcp sport 40103 tcp flags & fin == fin numgen inc mod 1000 < 2 drop"],
                 "the client shuts down writing; its FIN is dropped before the capture point; the server "
                 "sends data, the client acknowledges it with seq = FIN+1, then retransmits the FIN"),
    "simultaneous-close-lost-fin": (5104, 40104, TO_SERVER,
                                    [f"ip saddr {CLIENT_IP} tcp sport 40104 tcp flags & fin == fin "
                                     "numgen inc mod 1000 < 1 drop"],
                                    "both shut down at once; the client's FIN is dropped before the capture "
                                    "point, the server's FIN arrives at the client in FIN_WAIT_1 (CLOSING), "
                                    "the client's ACK carries seq = FIN+1, then the FIN is retransmitted"),
    "lost-syn-ack": (5105, 40105, TO_SERVER,
                     [f"ip saddr {SERVER_IP} tcp sport 5105 tcp flags & (syn | ack) == syn | ack "
                      "numgen inc mod 1000 < 1 drop"],
                     "the first SYN-ACK is dropped after the capture point (the capture shows it and its "
                     "retransmission); then a request, a reply and a client-first close"),
    "rst-in-window": (5106, 40106, TO_SERVER, [],
                      "request and reply, then the client closes with SO_LINGER 0: an abortive RST at "
                      "exactly the server's RCV.NXT"),
    "rst-out-of-window": (5107, 40107, TO_SERVER, [],
                          "after a request and reply, the router injects a RST from the client's address "
                          "with seq = RCV.NXT + 2^30; the server ignores it, the connection goes on and closes "
                          "normally"),
    "rst-challenge-ack": (5108, 40108, TO_SERVER, [],
                          "after a request and reply, the router injects a RST from the client's address with "
                          "seq = RCV.NXT + 1000 (in the window, not exact): the server answers with a challenge "
                          "ACK and stays; the connection goes on and closes normally"),
    "refused-retry": (5109, 40109, TO_SERVER, [],
                      "a connect to the closed port is refused (RST,ACK); the server then listens and the "
                      "client connects again from the same source port; request, reply, client-first close"),
    "keepalive": (5110, 40110, TO_SERVER, [],
                  "request and reply, then 4.5 s idle with SO_KEEPALIVE, TCP_KEEPIDLE 1 s and TCP_KEEPINTVL "
                  "1 s on the client (four probes, each answered), then a client-first close"),
}

# ------------------------------------------------------------------ namespaces
_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
_home_fd = None     # the namespace the helper started in (the host's), opened by main()


class In:
    """`with In(ns): sock = socket.socket()` creates the socket in ns; sockets keep their namespace."""
    def __init__(self, ns):
        self.ns = ns

    def __enter__(self):
        fd = os.open(f"/run/netns/{self.ns}", os.O_RDONLY)
        try:
            if _libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns {self.ns}")
        finally:
            os.close(fd)

    def __exit__(self, *exc):
        if _libc.setns(_home_fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back")


# ------------------------------------------------------------------ socket-table pollers
# What the tracepoint cannot show: request sockets (SYN_RECV) and time-wait sockets, whose
# substate is FIN_WAIT_2 (an orphaned socket waiting for the peer's FIN) or TIME_WAIT.
PROC_STATES = {0x03: "SYN_RECEIVED", 0x05: "FIN_WAIT_2", 0x06: "TIME_WAIT"}


def _addr(hexaddr):
    ip, port = hexaddr.split(":")
    return socket.inet_ntoa(struct.pack("<I", int(ip, 16))), int(port, 16)


class Poller(threading.Thread):
    """Reads the namespace's TCP table (what `ss -tan` prints) every 5 ms; records the time a
    (local, remote) pair is first seen in SYN_RECV or TIME_WAIT, or seen again after leaving it."""
    def __init__(self, ns, ports):
        super().__init__(daemon=True)
        self.ns, self.ports, self.seen, self.stop = ns, ports, [], threading.Event()

    def run(self):
        fd = os.open(f"/run/netns/{self.ns}", os.O_RDONLY)
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "poller setns")
        os.close(fd)
        last = {}
        while not self.stop.is_set():
            # A poll between two reads of the clock: a request socket (SYN_RECV) existed by the
            # first, before its child was created; a time-wait socket by the second, after the
            # full socket closed.  (The GIL can hold a poller for milliseconds.)
            before = time.monotonic_ns()
            current = {}
            with open("/proc/thread-self/net/tcp") as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, remote, st = _addr(fields[1]), _addr(fields[2]), int(fields[3], 16)
                    if st in PROC_STATES and (local[1] in self.ports or remote[1] in self.ports):
                        current[(local, remote)] = PROC_STATES[st]
            after = time.monotonic_ns()
            for key, st in current.items():
                if last.get(key) != st:
                    self.seen.append((before if st == "SYN_RECEIVED" else after, key[0], key[1], st))
            last = current
            time.sleep(0.005)


# ------------------------------------------------------------------ capture and filtering
def sh(*args, check=True):
    return subprocess.run(args, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def nft_router(router, rules):
    sh("ip", "netns", "exec", router, "nft", "flush", "chain", "inet", "tcpwave", "forward")
    for rule in rules:
        sh("ip", "netns", "exec", router, "nft", "add", "rule", "inet", "tcpwave", "forward", *rule.split())


def start_tcpdump(router, iface, path, port):
    err = open(path + ".err", "w+")
    p = subprocess.Popen(["ip", "netns", "exec", router, "tcpdump", "-i", iface, "--immediate-mode", "-U",
                          "-Z", "root", "-s", "262144", "-w", path, f"tcp port {port}"],
                         stdout=subprocess.DEVNULL, stderr=err)
    for _ in range(100):
        err.seek(0)
        if "listening on" in err.read():
            break
        if p.poll() is not None:
            raise RuntimeError("tcpdump exited: " + open(path + ".err").read())
        time.sleep(0.05)
    time.sleep(0.2)
    return p, err


def stop_tcpdump(p, err):
    p.send_signal(2)
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.terminate()
        p.wait()
    err.close()
    os.unlink(err.name)


# ------------------------------------------------------------------ scenario helpers
def listener(ns, port):
    with In(ns):
        s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((SERVER_IP, port))
    s.listen(8)
    return s


def client(ns, cport):
    with In(ns):
        c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((CLIENT_IP, cport))
    return c


def recv_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def read_to_eof(s, timeout=10):
    s.settimeout(timeout)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def connected_pair(ns, port, cport):
    lst = listener(ns["server"], port)
    c = client(ns["client"], cport)
    c.connect((SERVER_IP, port))
    a, _ = lst.accept()
    return lst, c, a


def exchange(c, a, tag=b"GET"):
    c.sendall(tag + b" /kernel-truth\r\n")
    recv_exactly(a, len(tag) + 16)
    a.sendall(b"reply " * 10)
    recv_exactly(c, 60)


def client_first_close(c, a):
    c.close()
    read_to_eof(a)
    time.sleep(0.1)
    a.close()


class Sniffer(threading.Thread):
    """In the router namespace, on the interface toward the server: the next sequence number
    the client has sent (= the server's RCV.NXT once it has all been delivered)."""
    def __init__(self, ns, cport):
        super().__init__(daemon=True)
        with In(ns):
            # ETH_P_ALL: packets the router sends (forwards) reach only "all protocols" taps
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0003))
        self.sock.bind((TO_SERVER, 0x0003))   # Python converts to network order
        self.sock.settimeout(0.05)
        self.cport, self.next_seq, self.stop = cport, None, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                pkt, (_, proto, *_) = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            if proto != 0x0800:
                continue
            ihl = (pkt[0] & 15) * 4
            if pkt[9] != 6 or socket.inet_ntoa(pkt[12:16]) != CLIENT_IP:
                continue
            sport, dport, seq = struct.unpack("!HHI", pkt[ihl:ihl + 8])
            if sport != self.cport:
                continue
            off, flags = (pkt[ihl + 12] >> 4) * 4, pkt[ihl + 13]
            length = struct.unpack("!H", pkt[2:4])[0] - ihl - off + (flags & 1) + ((flags >> 1) & 1)
            self.next_seq = (seq + length) & 0xFFFFFFFF


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def inject_rst(router, src, dst, seq):
    """A bare RST from src to dst, sent from the router's own stack (raw IP socket)."""
    tcp = struct.pack("!HHIIBBHHH", src[1], dst[1], seq, 0, 5 << 4, 0x04, 0, 0, 0)
    pseudo = socket.inet_aton(src[0]) + socket.inet_aton(dst[0]) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0x5eed, 0x4000, 64, 6, 0,
                     socket.inet_aton(src[0]), socket.inet_aton(dst[0]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    with In(router):
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.sendto(ip + tcp, (dst[0], 0))
    raw.close()


# ------------------------------------------------------------------ scenarios
def play(name, ns):
    port, cport = SCENARIOS[name][0], SCENARIOS[name][1]
    if name == "normal-close":
        lst, c, a = connected_pair(ns, port, cport)
        exchange(c, a)
        client_first_close(c, a)
    elif name == "fin-ack-together":
        lst, c, a = connected_pair(ns, port, cport)
        exchange(c, a)
        c.close()
        read_to_eof(a)                      # wakes up on the FIN, well inside the delayed-ACK time
        a.close()
    elif name == "half-close":
        lst, c, a = connected_pair(ns, port, cport)
        c.sendall(b"GET /half-close\r\n")
        c.shutdown(socket.SHUT_WR)
        read_to_eof(a)
        for i in range(3):
            a.sendall(b"part %d " % i * 8)
            time.sleep(0.05)
        a.close()
        read_to_eof(c)
        c.close()
    elif name == "lost-fin":
        lst, c, a = connected_pair(ns, port, cport)
        exchange(c, a)
        c.shutdown(socket.SHUT_WR)          # FIN dropped by the router
        a.sendall(b"late data " * 5)        # acknowledged by the client with seq = FIN+1
        recv_exactly(c, 50)
        read_to_eof(a)                      # the retransmitted FIN
        a.close()
        read_to_eof(c)
        c.close()
    elif name == "simultaneous-close-lost-fin":
        lst, c, a = connected_pair(ns, port, cport)
        exchange(c, a)
        c.shutdown(socket.SHUT_WR)          # FIN dropped by the router
        a.shutdown(socket.SHUT_WR)          # reaches the client in FIN_WAIT_1
        read_to_eof(c)
        read_to_eof(a)                      # the retransmitted FIN
        time.sleep(0.2)
        c.close()
        a.close()
    elif name == "lost-syn-ack":
        lst, c, a = connected_pair(ns, port, cport)     # connect() waits for the retransmission
        exchange(c, a)
        client_first_close(c, a)
    elif name == "rst-in-window":
        lst, c, a = connected_pair(ns, port, cport)
        exchange(c, a)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
        try:
            read_to_eof(a)
        except ConnectionResetError:
            pass
        a.close()
    elif name in ("rst-out-of-window", "rst-challenge-ack"):
        sniff = Sniffer(ns["router"], cport)
        sniff.start()
        lst, c, a = connected_pair(ns, port, cport)
        exchange(c, a)
        time.sleep(0.1)
        rcv_nxt = sniff.next_seq
        sniff.stop.set()
        sniff.join()
        offset = 1 << 30 if name == "rst-out-of-window" else 1000
        inject_rst(ns["router"], (CLIENT_IP, cport), (SERVER_IP, port), (rcv_nxt + offset) & 0xFFFFFFFF)
        time.sleep(0.3)
        exchange(c, a, b"PUT")              # still connected
        client_first_close(c, a)
    elif name == "refused-retry":
        c = client(ns["client"], cport)
        try:
            c.connect((SERVER_IP, port))
            raise RuntimeError("connect to a closed port succeeded")
        except ConnectionRefusedError:
            pass
        c.close()
        time.sleep(0.3)
        lst, c, a = connected_pair(ns, port, cport)
        exchange(c, a)
        client_first_close(c, a)
    elif name == "keepalive":
        lst, c, a = connected_pair(ns, port, cport)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 5)
        exchange(c, a)
        time.sleep(4.5)
        exchange(c, a, b"BYE")
        client_first_close(c, a)
    else:
        raise SystemExit(f"unknown scenario {name}")
    time.sleep(0.5)                          # the last ACK, TIME_WAIT seen by the pollers
    lst.close()


# ------------------------------------------------------------------ kernel states
def parse_trace(path, t0, t1, ports):
    """bpftrace lines: NSECS SKADDR SADDR SPORT DADDR DPORT OLD NEW"""
    events = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) != 8 or not p[0].isdigit():
                continue
            t, sk, saddr, sport, daddr, dport, old, new = p
            t, sport, dport = int(t), int(sport), int(dport)
            if t0 <= t <= t1 and (sport in ports or dport in ports) and saddr.startswith("198.18."):
                events.append((t, sk, (saddr, sport), (daddr, dport), int(old), int(new)))
    return sorted(events)


def endpoint_states(trace, polls, local, remote, t0, t1):
    """Distinct states of the socket at `local` talking to `remote` in [t0, t1)."""
    stream = []
    for t, sk, src, dst, old, new in trace:
        if src == local and dst == remote and t0 <= t < t1:
            if not stream:
                stream.append((0, KERNEL_STATES[old], "tp"))
            stream.append((t, KERNEL_STATES[new], "tp"))
    for t, loc, rem, st in polls:
        if loc == local and rem == remote and t0 <= t < t1:
            stream.append((t, st, "ss"))
    stream.sort(key=lambda e: e[0])
    states = []
    for _, st, _ in stream:
        if not states or states[-1] != st:
            states.append(st)
    # A socket closed by the application in FIN_WAIT_2, CLOSING or FIN_WAIT_1 hands over to a
    # time-wait socket (seen only in the socket table, in substate FIN_WAIT_2 or TIME_WAIT):
    # the tracepoint shows the full socket moving to CLOSE, but the endpoint is not closed.
    out = []
    for i, st in enumerate(states):
        if st == "CLOSED" and i + 1 < len(states) and states[i + 1] in ("FIN_WAIT_2", "TIME_WAIT"):
            continue
        if st == "CLOSED" and out and out[-1] == "TIME_WAIT":
            continue
        if not out or out[-1] != st:
            out.append(st)
    if len(out) > 1 and out[0] == "CLOSED":
        out = out[1:]
    return out or ["CLOSED"]


def kernel_connections(trace, polls, port, cport):
    cl, sv = (CLIENT_IP, cport), (SERVER_IP, port)
    starts = [t for t, sk, src, dst, old, new in trace if src == cl and dst == sv and new == 2]
    bounds = starts + [1 << 63]
    conns = []
    for i, t0 in enumerate(starts):
        t1 = bounds[i + 1]
        conns.append({"client": f"{cl[0]}:{cl[1]}", "server": f"{sv[0]}:{sv[1]}",
                      "client_states": endpoint_states(trace, polls, cl, sv, t0, t1),
                      "server_states": endpoint_states(trace, polls, sv, cl, t0, t1)})
    return conns


def run(name, out, trace_path, ns):
    port, cport, iface, rules, summary = SCENARIOS[name]
    pcap = os.path.join(out, name + ".pcap")
    nft_router(ns["router"], rules)
    pollers = [Poller(ns["client"], {port, cport}), Poller(ns["server"], {port, cport})]
    for p in pollers:
        p.start()
    dump = start_tcpdump(ns["router"], iface, pcap + ".tmp", port)
    t0 = time.monotonic_ns()
    try:
        play(name, ns)
    finally:
        time.sleep(0.2)
        stop_tcpdump(*dump)
        for p in pollers:
            p.stop.set()
            p.join()
        nft_router(ns["router"], [])
    time.sleep(0.5)                          # bpftrace's buffer reaches the file
    t1 = time.monotonic_ns()
    trace = parse_trace(trace_path, t0, t1, {port, cport})
    polls = sorted(p for poller in pollers for p in poller.seen)
    conns = kernel_connections(trace, polls, port, cport)
    if not conns:
        raise SystemExit(f"{name}: no SYN_SENT traced for {CLIENT_IP}:{cport} (is bpftrace running?)")
    record = {
        "scenario": name,
        "summary": summary,
        "capture": f"router namespace, interface {iface} "
                   f"({'toward the server' if iface == TO_SERVER else 'toward the client'})",
        "drops": rules,
        "connections": conns,
        "kernel_events": [
            f"+{(t - t0) / 1e6:.3f}ms {src[0]}:{src[1]} > {dst[0]}:{dst[1]} "
            f"{KERNEL_STATES[old]} -> {KERNEL_STATES[new]}" for t, sk, src, dst, old, new in trace
        ] + [f"+{(t - t0) / 1e6:.3f}ms {l[0]}:{l[1]} > {r[0]}:{r[1]} {st} (socket table)"
             for t, l, r, st in polls],
    }
    record["kernel_events"].sort(key=lambda s: float(s.split("ms")[0][1:]))
    os.replace(pcap + ".tmp", pcap)
    os.chmod(pcap, 0o644)
    with open(os.path.join(out, name + ".states"), "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    for c in conns:
        print(f"{name}: client {' '.join(c['client_states'])}")
        print(f"{name}: server {' '.join(c['server_states'])}")


def main(argv):
    global _home_fd
    if len(argv) >= 1 and argv[0] == "list":
        print("\n".join(SCENARIOS))
        return
    if len(argv) >= 2 and argv[0] == "run":
        name, opts = argv[1], dict(zip(argv[2::2], argv[3::2]))
        _home_fd = os.open(f"/proc/self/task/{threading.get_native_id()}/ns/net", os.O_RDONLY)
        ns = {"client": opts["--client"], "router": opts["--router"], "server": opts["--server"]}
        run(name, opts["--out"], opts["--trace"], ns)
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
