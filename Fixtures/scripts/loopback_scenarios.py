#!/usr/bin/env python3
"""TCP scenarios for tcpwave's recorded loopback fixtures (stdlib only).

Used by record-loopback.sh, which runs it inside a private network namespace
while tcpdump records the loopback interface.  Sub-commands:

    loopback_scenarios.py list                 scenario names, one a line
    loopback_scenarios.py ports NAME           "SERVER_PORT CLIENT_PORT"
    loopback_scenarios.py run NAME             play the scenario (real sockets)
    loopback_scenarios.py check NAME FILE.pcap check the recorded shape
    loopback_scenarios.py signature NAME FILE  print the shape signature only

Every scenario uses a fixed server port and binds its client to a fixed source
port, so captures differ between runs only in ISNs, timestamps and (for
loss-reorder) in where the random drops fall.

Shape signature: one token per packet, "c" (client sent it) or "s" (server),
then tcpdump-style flags (S F R P, "." for ACK), then the TCP payload length if
non-zero; "+rtx" marks a segment whose sequence range / SYN / FIN was already
seen from that side, "+ka" a zero-length client segment at snd.nxt-1 (a
keepalive probe).  Example: "c S", "s S.", "c P.58", "c .+ka".
"""

import re
import socket
import struct
import sys
import threading
import time

# Pause between steps.  Longer than the kernel's delayed-ACK timer (>= 40 ms),
# so pure ACKs always go out on their own and each run has the same shape.
STEP = 0.15

#            name                        server port, client port
SCENARIOS = {
    "normal-client-close":       (18001, 41001),
    "server-close":              (18002, 41002),
    "refused":                   (18003, 41003),
    "rst-by-client":             (18004, 41004),
    "rst-by-server":             (18005, 41005),
    "half-close":                (18006, 41006),
    "ipv6-normal":               (18007, 41007),
    "keepalive":                 (18008, 41008),
    "unanswered-syn":            (18009, 41009),
    "loss-reorder":              (18010, 41010),
}

V4 = (socket.AF_INET, "127.0.0.1")
V6 = (socket.AF_INET6, "::1")


def pad_to(prefix, size, fill=b"x"):
    """prefix + filler + CRLF CRLF, exactly `size` bytes."""
    tail = b"\r\n\r\n"
    body = prefix + fill * (size - len(prefix) - len(tail)) + tail
    assert len(body) == size, (len(body), size)
    return body


REQUEST = pad_to(b"GET /tcpwave HTTP/1.1\r\nHost: loopback\r\nX-Pad: ", 58)
REPLY = pad_to(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: ", 100)


# --------------------------------------------------------------------------
# socket helpers

def listener(family, host, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(1)
    return s


def client_socket(family, host, cport):
    c = socket.socket(family, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((host, cport))
    return c


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise RuntimeError("EOF after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def recv_until_eof(sock):
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def abort(sock):
    """close() with SO_LINGER {on, 0}: the kernel sends RST instead of FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class Server(threading.Thread):
    """Accepts one connection on `lsock` and runs handler(conn) on it."""

    def __init__(self, lsock, handler):
        super().__init__(daemon=True)
        self.lsock, self.handler, self.error = lsock, handler, None

    def run(self):
        try:
            self.lsock.settimeout(15)
            conn, _ = self.lsock.accept()
            conn.settimeout(15)
            self.handler(conn)
        except BaseException as e:  # reported by finish()
            self.error = e
        finally:
            self.lsock.close()

    def finish(self):
        self.join(20)
        if self.is_alive():
            raise RuntimeError("server thread did not finish")
        if self.error is not None:
            raise self.error


def serve(addr, port, handler):
    srv = Server(listener(addr[0], addr[1], port), handler)
    srv.start()
    return srv


# --------------------------------------------------------------------------
# scenarios.  Each gets (server port, client port).

def _client_close_first(addr, port, cport, client_opts=None, idle=0.0):
    def server(conn):
        recv_exact(conn, len(REQUEST))
        time.sleep(STEP)
        conn.sendall(REPLY)
        if conn.recv(1) != b"":          # wait for the client's FIN
            raise RuntimeError("expected EOF")
        time.sleep(STEP)                 # CLOSE-WAIT for a moment, then close
        conn.close()

    srv = serve(addr, port, server)
    c = client_socket(addr[0], addr[1], cport)
    if client_opts:
        client_opts(c)
    c.connect((addr[1], port))
    time.sleep(STEP)
    c.sendall(REQUEST)
    recv_exact(c, len(REPLY))
    time.sleep(STEP + idle)
    c.close()                            # active close: FIN from the client
    srv.finish()


def normal_client_close(port, cport):
    _client_close_first(V4, port, cport)


def ipv6_normal(port, cport):
    _client_close_first(V6, port, cport)


def keepalive(port, cport):
    def opts(c):
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 9)
    # idle ~3.5 s after the reply: probes at ~1 s, ~2 s, ~3 s.
    _client_close_first(V4, port, cport, client_opts=opts, idle=3.5 - STEP)


def server_close(port, cport):
    def server(conn):
        recv_exact(conn, len(REQUEST))
        time.sleep(STEP)
        conn.sendall(REPLY)
        time.sleep(STEP)
        conn.close()                     # active close: FIN from the server

    srv = serve(V4, port, server)
    c = client_socket(V4[0], V4[1], cport)
    c.connect((V4[1], port))
    time.sleep(STEP)
    c.sendall(REQUEST)
    recv_exact(c, len(REPLY))
    if c.recv(1) != b"":
        raise RuntimeError("expected EOF")
    time.sleep(STEP)                     # CLOSE-WAIT for a moment, then close
    c.close()
    srv.finish()


def refused(port, cport):
    c = client_socket(V4[0], V4[1], cport)
    c.settimeout(5)
    try:
        c.connect((V4[1], port))
    except ConnectionRefusedError:
        pass
    else:
        raise RuntimeError("connect to %d unexpectedly succeeded" % port)
    finally:
        c.close()


def rst_by_client(port, cport):
    def server(conn):
        recv_exact(conn, len(REQUEST))
        time.sleep(STEP)
        conn.sendall(REPLY)
        try:
            data = conn.recv(1)
        except ConnectionResetError:
            data = None
        if data is not None:
            raise RuntimeError("expected ECONNRESET, got %r" % data)
        conn.close()                     # nothing left to send: no packet

    srv = serve(V4, port, server)
    c = client_socket(V4[0], V4[1], cport)
    c.connect((V4[1], port))
    time.sleep(STEP)
    c.sendall(REQUEST)
    recv_exact(c, len(REPLY))
    time.sleep(STEP)
    abort(c)                             # RST from the client
    srv.finish()


def rst_by_server(port, cport):
    def server(conn):
        recv_exact(conn, len(REQUEST))
        time.sleep(STEP)
        conn.sendall(REPLY)
        time.sleep(STEP)
        abort(conn)                      # RST from the server

    srv = serve(V4, port, server)
    c = client_socket(V4[0], V4[1], cport)
    c.settimeout(15)
    c.connect((V4[1], port))
    time.sleep(STEP)
    c.sendall(REQUEST)
    recv_exact(c, len(REPLY))
    try:
        data = c.recv(1)
    except ConnectionResetError:
        data = None
    if data is not None:
        raise RuntimeError("expected ECONNRESET, got %r" % data)
    c.close()
    srv.finish()


HALF_CLOSE_CHUNKS = 4
HALF_CLOSE_CHUNK = 200


def half_close(port, cport):
    def server(conn):
        recv_exact(conn, len(REQUEST))
        if conn.recv(1) != b"":          # the client's FIN (CLOSE-WAIT now)
            raise RuntimeError("expected EOF")
        time.sleep(STEP)
        for i in range(HALF_CLOSE_CHUNKS):
            conn.sendall(bytes([0x61 + i]) * HALF_CLOSE_CHUNK)
            time.sleep(STEP)
        conn.close()

    srv = serve(V4, port, server)
    c = client_socket(V4[0], V4[1], cport)
    c.connect((V4[1], port))
    time.sleep(STEP)
    c.sendall(REQUEST)
    time.sleep(STEP)
    c.shutdown(socket.SHUT_WR)           # FIN from the client, keep reading
    data = recv_until_eof(c)
    if len(data) != HALF_CLOSE_CHUNKS * HALF_CLOSE_CHUNK:
        raise RuntimeError("half-close: got %d bytes" % len(data))
    time.sleep(STEP)
    c.close()                            # already in TIME-WAIT: no packet
    srv.finish()


def unanswered_syn(port, cport):
    # nftables in the namespace drops SYNs to `port` on input; the kernel
    # retransmits the SYN at ~1 s and ~3 s, then we give up at 4 s.
    c = client_socket(V4[0], V4[1], cport)
    c.settimeout(4.0)
    try:
        c.connect((V4[1], port))
    except (socket.timeout, TimeoutError):
        pass
    else:
        raise RuntimeError("connect to %d unexpectedly succeeded" % port)
    finally:
        c.close()                        # SYN-SENT -> CLOSED: no packet


BULK_BYTES = 200 * 1024
BULK_CHUNK = 1024          # one send() -> one segment (TCP_NODELAY, MSS 1448)
BULK_BURST = 8             # chunks per burst
BULK_PAUSE = 0.02          # pause between bursts


def loss_reorder(port, cport):
    # nftables drops ~3% of the flow's non-SYN packets each way on input
    # (after tcpdump saw them).  Bursts of 8 segments with 20 ms pauses give
    # both kinds of recovery: a loss inside a burst is repaired at once after
    # SACKs / dup ACKs (Wireshark: out-of-order or fast retransmission, since
    # loopback's RTT is microseconds), a loss at a burst's tail by the loss
    # probe / RTO a few ms later (Wireshark: retransmission).  A fixed receive
    # buffer keeps the advertised window constant so dup ACKs are recognisable.
    def server(conn):
        got = len(recv_until_eof(conn))
        if got != BULK_BYTES:
            raise RuntimeError("bulk: got %d bytes" % got)
        conn.close()

    ls = listener(V4[0], V4[1], port)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)   # inherited by accept()
    srv = Server(ls, server)
    srv.start()
    c = client_socket(V4[0], V4[1], cport)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    c.settimeout(15)
    c.connect((V4[1], port))
    block = bytes(range(256)) * (BULK_CHUNK // 256)
    for i in range(BULK_BYTES // BULK_CHUNK):
        c.sendall(block)
        if i % BULK_BURST == BULK_BURST - 1:
            time.sleep(BULK_PAUSE)
    c.shutdown(socket.SHUT_WR)
    recv_until_eof(c)
    c.close()
    srv.finish()


RUNNERS = {
    "normal-client-close": normal_client_close,
    "server-close": server_close,
    "refused": refused,
    "rst-by-client": rst_by_client,
    "rst-by-server": rst_by_server,
    "half-close": half_close,
    "ipv6-normal": ipv6_normal,
    "keepalive": keepalive,
    "unanswered-syn": unanswered_syn,
    "loss-reorder": loss_reorder,
}
assert set(RUNNERS) == set(SCENARIOS)


# --------------------------------------------------------------------------
# capture reading and shape checks (classic pcap, us or ns; Ethernet / raw)

def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: too short for a pcap file" % path)
    magic_le = struct.unpack("<I", data[:4])[0]
    if magic_le in (0xA1B2C3D4, 0xA1B23C4D):
        end = "<"
    elif struct.unpack(">I", data[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D):
        end = ">"
    else:
        raise ValueError("%s: not a classic pcap file" % path)
    nano = struct.unpack(end + "I", data[:4])[0] == 0xA1B23C4D
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    off, out = 24, []
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        pkt = data[off:off + incl]
        off += incl
        ts = sec + frac / (1e9 if nano else 1e6)
        out.append((ts, linktype, pkt))
    return out


def parse_tcp(linktype, pkt):
    """-> dict(src, dst, sport, dport, seq, ack, flags, plen) or None."""
    if linktype == 1:                      # Ethernet
        etype = struct.unpack("!H", pkt[12:14])[0]
        l3 = pkt[14:]
    elif linktype in (101, 12, 14):        # raw IP
        etype = 0x86DD if pkt and pkt[0] >> 4 == 6 else 0x0800
        l3 = pkt
    else:
        raise ValueError("unsupported link type %d" % linktype)
    if etype == 0x0800:
        ihl = (l3[0] & 0x0F) * 4
        total = struct.unpack("!H", l3[2:4])[0]
        if l3[9] != 6:
            return None
        src, dst = socket.inet_ntop(socket.AF_INET, l3[12:16]), socket.inet_ntop(socket.AF_INET, l3[16:20])
        tcp, l4len = l3[ihl:], total - ihl
    elif etype == 0x86DD:
        plen = struct.unpack("!H", l3[4:6])[0]
        if l3[6] != 6:
            return None
        src, dst = socket.inet_ntop(socket.AF_INET6, l3[8:24]), socket.inet_ntop(socket.AF_INET6, l3[24:40])
        tcp, l4len = l3[40:], plen
    else:
        return None
    sport, dport, seq, ack, offflags = struct.unpack("!HHIIH", tcp[:14])
    doff = (offflags >> 12) * 4
    return dict(src=src, dst=dst, sport=sport, dport=dport, seq=seq, ack=ack,
                flags=offflags & 0x1FF, plen=l4len - doff)


def flag_str(flags):
    s = ""
    for bit, ch in ((0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P"),
                    (0x20, "U"), (0x40, "E"), (0x80, "W")):
        if flags & bit:
            s += ch
    if flags & 0x10:
        s += "."
    return s or "none"


def signature(path, server_port):
    tokens = []
    seen = {"c": set(), "s": set()}
    nxt = {"c": None, "s": None}
    for _ts, lt, pkt in read_pcap(path):
        t = parse_tcp(lt, pkt)
        if t is None:
            continue
        side = "s" if t["sport"] == server_port else "c"
        f = t["flags"]
        syn, fin = bool(f & 0x02), bool(f & 0x01)
        seglen = t["plen"] + syn + fin
        tok = "%s %s%s" % (side, flag_str(f), t["plen"] if t["plen"] else "")
        if seglen:
            key = (t["seq"], seglen)
            if key in seen[side]:
                tok += "+rtx"
            seen[side].add(key)
            end = (t["seq"] + seglen) & 0xFFFFFFFF
            if nxt[side] is None or ((end - nxt[side]) & 0xFFFFFFFF) < 0x80000000:
                nxt[side] = end
        elif (side == "c" and nxt[side] is not None and not f & 0x04
              and t["seq"] == (nxt[side] - 1) & 0xFFFFFFFF):
            tok += "+ka"
        tokens.append(tok)
    return tokens


HS = r"c S s S\. c \. "
REQ_REPLY = r"c P\.58 s \. s P\.100 c \. "
EXPECTED = {
    "normal-client-close": "^" + HS + REQ_REPLY + r"c F\. s \. s F\. c \.$",
    "ipv6-normal":         "^" + HS + REQ_REPLY + r"c F\. s \. s F\. c \.$",
    "server-close":        "^" + HS + REQ_REPLY + r"s F\. c \. c F\. s \.$",
    "refused":             r"^c S s R\.$",
    "rst-by-client":       "^" + HS + REQ_REPLY + r"c R\.$",
    "rst-by-server":       "^" + HS + REQ_REPLY + r"s R\.$",
    "half-close":          "^" + HS + r"c P\.58 s \. c F\. s \. "
                           + r"(s P\.200 c \. ){%d}s F\. c \.$" % HALF_CLOSE_CHUNKS,
    "keepalive":           "^" + HS + REQ_REPLY + r"(c \.\+ka s \. ){2,4}c F\. s \. s F\. c \.$",
    "unanswered-syn":      r"^c S c S\+rtx c S\+rtx$",
    # random drops: only the opening handshake and the presence of
    # retransmissions are fixed.
    "loss-reorder":        "^" + HS + r"c P?\.\d+ .*\+rtx.* [cs] F",
}


def check(name, path):
    port = SCENARIOS[name][0]
    toks = signature(path, port)
    sig = " ".join(toks)
    ok = re.search(EXPECTED[name], sig) is not None
    if name == "loss-reorder":
        ok = ok and 10 <= len(toks) <= 3000
    return ok, toks


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "list":
        print("\n".join(SCENARIOS))
        return 0
    if len(argv) < 3 or argv[2] not in SCENARIOS:
        print("unknown scenario; one of: %s" % ", ".join(SCENARIOS), file=sys.stderr)
        return 2
    name = argv[2]
    if cmd == "ports":
        print("%d %d" % SCENARIOS[name])
        return 0
    if cmd == "run":
        RUNNERS[name](*SCENARIOS[name])
        return 0
    if cmd in ("check", "signature") and len(argv) == 4:
        ok, toks = check(name, argv[3])
        if cmd == "signature":
            print(" ".join(toks))
            return 0
        if not ok:
            shown = toks if len(toks) <= 40 else toks[:20] + ["..."] + toks[-10:]
            print("%s: unexpected shape: %s" % (name, " | ".join(shown)), file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
