#!/usr/bin/env python3
"""Writes the IP fragment and TSO/GSO fixtures to Fixtures/pcap/fragments/ (standard library only).

    Fixtures/scripts/craft-fragments.py [OUT_DIR]

Each capture is one small HTTP-like exchange between 10.0.0.1:40000 and 10.0.0.2:80 (or
2001:db8::1 and 2001:db8::2) whose client request travels in IP fragments, or in segments
captured before segmentation offload, arranged the way the file's name says. Checksums are
correct, so `tcpwave --conn-log` and tshark see the same segments.
"""
import os
import struct
import sys

CLIENT4, SERVER4 = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
CLIENT6 = bytes.fromhex("20010db8000000000000000000000001")
SERVER6 = bytes.fromhex("20010db8000000000000000000000002")
CPORT, SPORT = 40000, 80
CISN, SISN = 1000, 5000
MAC_C, MAC_S = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", options=b""):
    hlen = 20 + len(options)
    header = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (hlen // 4) << 4, flags, 64240, 0, 0) + options
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(header) + len(payload))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(header) + len(payload), 6)
    c = checksum(pseudo + header + payload)
    return header[:16] + struct.pack("!H", c) + header[18:] + payload


def ipv4(src, dst, body, ident, offset=0, more=False, dont=False, total=None, proto=6):
    flags = (0x2000 if more else 0) | (0x4000 if dont else 0) | (offset // 8)
    length = 20 + len(body) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, length, ident, flags, 64, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:] + body


def ipv6(src, dst, next_header, body, payload_length=None):
    plen = len(body) if payload_length is None else payload_length
    return struct.pack("!IHBB", 0x60000000, plen, next_header, 64) + src + dst + body


def ipv6_fragment(src, dst, data, ident, offset, more):
    fh = struct.pack("!BBHI", 6, 0, offset | (1 if more else 0), ident)
    return ipv6(src, dst, 44, fh + data)


def ether(ip):
    v6 = ip[0] >> 4 == 6
    src = ip[8:24] if v6 else ip[12:16]
    client = src in (CLIENT4, CLIENT6)
    return (MAC_S if client else MAC_C) + (MAC_C if client else MAC_S) + struct.pack("!H", 0x86DD if v6 else 0x0800) + ip


class Capture:
    def __init__(self):
        self.records = []
        self.time = 1_700_000_000.0

    def add(self, ip, gap=0.001, wire=None):
        self.time += gap
        frame = ether(ip)
        self.records.append((self.time, frame, len(frame) if wire is None else wire))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
            for t, frame, wire in self.records:
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                f.write(struct.pack("<IIII", sec, usec, len(frame), wire) + frame)


REQUEST = b"POST /upload HTTP/1.1\r\nHost: example\r\nContent-Length: 2900\r\n\r\n"
REQUEST += bytes((i * 7 + 13) & 0xFF for i in range(3000 - len(REQUEST)))
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


class Exchange:
    """The connection around the fragmented request: handshake, request, response, close."""

    def __init__(self, v6=False):
        self.v6 = v6
        self.c, self.s = (CLIENT6, SERVER6) if v6 else (CLIENT4, SERVER4)
        self.cap = Capture()
        self.ident = 0x1234

    def segment(self, from_client, seq, ack, flags, payload=b"", options=b""):
        src, dst = (self.c, self.s) if from_client else (self.s, self.c)
        sp, dp = (CPORT, SPORT) if from_client else (SPORT, CPORT)
        return src, dst, tcp(src, dst, sp, dp, seq, ack, flags, payload, options)

    def send(self, from_client, seq, ack, flags, payload=b"", options=b"", gap=0.001):
        src, dst, t = self.segment(from_client, seq, ack, flags, payload, options)
        self.cap.add(ipv6(src, dst, 6, t) if self.v6 else ipv4(src, dst, t, self.next_id(), dont=True), gap)

    def next_id(self):
        self.ident += 1
        return self.ident

    def handshake(self):
        mss = b"\x02\x04\x05\xb4"
        self.send(True, CISN, 0, SYN, options=mss)
        self.send(False, SISN, CISN + 1, SYN | ACK, options=mss)
        self.send(True, CISN + 1, SISN + 1, ACK)

    def request_fragments(self, pieces):
        """The request segment cut into fragments; `pieces` are (offset, end) byte ranges of the
        TCP segment (header included), each a multiple of 8 but the last."""
        src, dst, t = self.segment(True, CISN + 1, SISN + 1, PSH | ACK, REQUEST)
        ident = self.next_id()
        out = []
        for start, end in pieces:
            more = end < len(t)
            if self.v6:
                out.append(ipv6_fragment(src, dst, t[start:end], 0x5000 + ident, start, more))
            else:
                out.append(ipv4(src, dst, t[start:end], ident, start, more))
        return out

    def finish(self, gap=0.001, acked=len(REQUEST)):
        end = CISN + 1 + acked
        self.send(False, SISN + 1, end, ACK, gap=gap)
        self.send(False, SISN + 1, end, PSH | ACK, RESPONSE)
        self.send(True, end, SISN + 1 + len(RESPONSE), FIN | ACK)
        self.send(False, SISN + 1 + len(RESPONSE), end + 1, FIN | ACK)
        self.send(True, end + 1, SISN + 2 + len(RESPONSE), ACK)

    def retransmit_whole(self, gap):
        self.send(True, CISN + 1, SISN + 1, PSH | ACK, REQUEST, gap=gap)


def fragmented(order, v6=False, extra=None, last_missing=False, retransmit_gap=None):
    x = Exchange(v6)
    x.handshake()
    size = 1232 if v6 else 1480
    total = 20 + len(REQUEST)
    pieces = [(a, min(a + size, total)) for a in range(0, total, size)]
    frags = x.request_fragments(pieces)
    if extra:
        frags = extra(x, frags)
    for i in order(len(frags)):
        if last_missing and i == len(frags) - 1:
            continue
        x.cap.add(frags[i], gap=0.0001)
    if retransmit_gap is not None:
        x.retransmit_whole(retransmit_gap)
    x.finish()
    return x.cap


def overlapping(x, frags):
    """A third fragment that rewrites bytes 1000..1999 of the segment the first two carry."""
    src, dst, t = x.segment(True, CISN + 1, SISN + 1, PSH | ACK, REQUEST)
    forged = bytearray(t[1000:2000])
    forged[0:8] = b"OVERLAP!"
    ident = struct.unpack("!H", frags[0][4:6])[0] if not x.v6 else struct.unpack("!I", frags[0][44:48])[0]
    if x.v6:
        bad = ipv6_fragment(src, dst, bytes(forged), ident, 1000, True)
    else:
        bad = ipv4(src, dst, bytes(forged), ident, 1000, True)
    return [frags[0], bad] + frags[1:]


def tso(v6=False, jumbo_option=False):
    """Segments the sender's TCP handed to the NIC before segmentation: IPv4 total length 0, or
    IPv6 payload length 0 (BIG TCP), with and without a hop-by-hop jumbo payload option."""
    x = Exchange(v6)
    x.handshake()
    # BIG TCP hands the NIC more than 65,535 bytes at once; an IPv4 GSO segment at most 64 KiB.
    data = (REQUEST * 24)[:70000] if v6 else REQUEST
    src, dst, t = x.segment(True, CISN + 1, SISN + 1, PSH | ACK, data)
    if v6:
        if jumbo_option:
            hbh = struct.pack("!BBBBI", 6, 0, 0xC2, 4, 8 + len(t))
            ip = ipv6(src, dst, 0, hbh + t, payload_length=0)
        else:
            ip = ipv6(src, dst, 6, t, payload_length=0)
    else:
        ip = ipv4(src, dst, t, x.next_id(), dont=True, total=0)
    x.cap.add(ip)
    x.finish(acked=len(data))
    return x.cap


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "pcap", "fragments")
    os.makedirs(out, exist_ok=True)
    captures = {
        "ipv4-in-order": fragmented(lambda n: range(n)),
        "ipv4-out-of-order": fragmented(lambda n: [n - 1] + list(range(n - 1))),
        "ipv4-duplicate": fragmented(lambda n: [0, 1, 1, 0, 2]),
        "ipv4-overlap": fragmented(lambda n: range(n), extra=overlapping, retransmit_gap=0.2),
        "ipv4-missing-last": fragmented(lambda n: range(n), last_missing=True, retransmit_gap=0.2),
        "ipv6-in-order": fragmented(lambda n: range(n), v6=True),
        "ipv6-overlap": fragmented(lambda n: range(n), v6=True, extra=overlapping, retransmit_gap=0.2),
        "ipv4-tso-bad-len-0": tso(),
        "ipv6-big-tcp": tso(v6=True),
        "ipv6-big-tcp-jumbo-option": tso(v6=True, jumbo_option=True),
    }
    for name, cap in captures.items():
        path = os.path.join(out, name + ".pcap")
        cap.write(path)
        print(f"{path}: {len(cap.records)} packets")


if __name__ == "__main__":
    main()
