#!/usr/bin/env python3
"""Writes the tunnel fixtures (Fixtures/pcap/tunnels/*.pcap): TCP conversations carried in GRE
(keys, sequence numbers, checksums, ERSPAN I/II), VXLAN, Geneve, MPLS, PPPoE, IP in IP (4in4,
6in4, 4in6, 6in6) and GTP-U, plus nesting. Python 3 standard library only; every byte is built
here, checksums included, and the output is deterministic.

    Fixtures/scripts/tunnel_captures.py [DIRECTORY]     (default Fixtures/pcap/tunnels)
"""
import os
import struct
import sys

START = 1_764_320_400  # 2025-11-28 09:00:00 UTC


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def addr(text):
    if ":" in text:
        import ipaddress
        return ipaddress.IPv6Address(text).packed
    return bytes(int(x) for x in text.split("."))


def ipv4(src, dst, proto, payload, ident=0, ttl=64, df=True, tos=0):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), ident, 0x4000 if df else 0,
                         ttl, proto, 0, addr(src), addr(dst))
    c = checksum(header)
    return header[:10] + struct.pack("!H", c) + header[12:] + payload


def ipv6(src, dst, next_header, payload, hlim=64, flow=0):
    return struct.pack("!IHBB16s16s", 6 << 28 | flow, len(payload), next_header, hlim,
                       addr(src), addr(dst)) + payload


def pseudo(src, dst, proto, length):
    if ":" in src:
        return addr(src) + addr(dst) + struct.pack("!IxxxB", length, proto)
    return addr(src) + addr(dst) + struct.pack("!xBH", proto, length)


def ip(src, dst, proto, payload, **kw):
    if ":" in src:
        return ipv6(src, dst, proto, payload, hlim=kw.get("ttl", 64))
    return ipv4(src, dst, proto, payload, **kw)


def tcp(src, dst, sport, dport, seq, ack, flags, win=64240, options=b"", payload=b""):
    while len(options) % 4:
        options += b"\0"
    offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIHHHH", sport, dport, seq, ack, offset << 12 | flags, win, 0, 0) + options
    c = checksum(pseudo(src, dst, 6, len(header) + len(payload)) + header + payload)
    return header[:16] + struct.pack("!H", c) + header[18:] + payload


def udp(src, dst, sport, dport, payload, zero_checksum=False):
    header = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    if zero_checksum:
        return header + payload
    c = checksum(pseudo(src, dst, 17, 8 + len(payload)) + header + payload) or 0xFFFF
    return header[:6] + struct.pack("!H", c) + payload


def ethernet(dst, src, ethertype, payload):
    return dst + src + struct.pack("!H", ethertype) + payload


MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")
MAC_C = bytes.fromhex("020000000a01")
MAC_D = bytes.fromhex("020000000a02")

FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16
SYN_OPTIONS = bytes([2, 4, 5, 0xB4, 4, 2, 8, 10]) + struct.pack("!II", 1000, 0) + bytes([1, 3, 3, 7])
SYN_ACK_OPTIONS = bytes([2, 4, 5, 0xB4, 4, 2, 8, 10]) + struct.pack("!II", 2000, 1000) + bytes([1, 3, 3, 7])


def conversation(client, server, cport, sport, cisn, sisn, request=120, response=300):
    """A whole connection: handshake, a request, a response, the client's four-way close.
    Returns (from_client, inner IP datagram) in order."""
    c_next, s_next = cisn, sisn
    out = []

    def send(from_client, flags, payload=b"", options=b""):
        nonlocal c_next, s_next
        if from_client:
            seg = tcp(client, server, cport, sport, c_next, s_next if flags & ACK else 0, flags,
                      options=options, payload=payload)
            out.append((True, ip(client, server, 6, seg, ident=len(out) + 1)))
            c_next = (c_next + len(payload) + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        else:
            seg = tcp(server, client, sport, cport, s_next, c_next, flags, options=options, payload=payload)
            out.append((False, ip(server, client, 6, seg, ident=len(out) + 1)))
            s_next = (s_next + len(payload) + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF

    send(True, SYN, options=SYN_OPTIONS)
    send(False, SYN | ACK, options=SYN_ACK_OPTIONS)
    send(True, ACK)
    send(True, PSH | ACK, bytes(request))
    send(False, ACK)
    send(False, PSH | ACK, bytes(response))
    send(True, ACK)
    send(True, FIN | ACK)
    send(False, FIN | ACK)
    send(True, ACK)
    return out


class Capture:
    def __init__(self, linktype=1):
        self.linktype = linktype
        self.records = []

    def add(self, frame):
        n = len(self.records)
        self.records.append((START + n // 10, (n % 10) * 100_000 + 150 * n, frame))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, self.linktype))
            for sec, usec, frame in self.records:
                f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)


def interleave(*streams):
    out = []
    for i in range(max(len(s) for s in streams)):
        for s in streams:
            if i < len(s):
                out.append(s[i])
    return out


def inner_ethertype(datagram):
    return 0x86DD if datagram[0] >> 4 == 6 else 0x0800


# --- GRE -------------------------------------------------------------------------------------

def gre(proto, payload, key=None, seq=None, with_checksum=False):
    flags = (0x8000 if with_checksum else 0) | (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    body = b""
    if with_checksum:
        body += b"\0\0\0\0"
    if key is not None:
        body += struct.pack("!I", key)
    if seq is not None:
        body += struct.pack("!I", seq)
    packet = struct.pack("!HH", flags, proto) + body + payload
    if with_checksum:
        c = checksum(packet)
        packet = packet[:4] + struct.pack("!H", c) + packet[6:]
    return packet


def gre_keys():
    """The same inner 4-tuple in GRE keys 100 and 200: two connections."""
    cap = Capture()
    a = conversation("10.1.0.1", "10.2.0.1", 40000, 80, 1_000_000, 2_000_000)
    b = conversation("10.1.0.1", "10.2.0.1", 40000, 80, 5_000_000, 6_000_000)
    seqs = {}
    for key, (from_client, dgram) in interleave([(100, x) for x in a], [(200, x) for x in b]):
        direction = (key, from_client)
        seqs[direction] = seqs.get(direction, 0) + 1
        outer_src, outer_dst = ("192.0.2.1", "192.0.2.2") if from_client else ("192.0.2.2", "192.0.2.1")
        payload = gre(0x0800, dgram, key=key, seq=seqs[direction])
        cap.add(ethernet(MAC_B, MAC_A, 0x0800, ipv4(outer_src, outer_dst, 47, payload, ident=len(cap.records))))
    return cap


def gre_ipv6_checksum():
    """IPv6 in GRE with the checksum present, over IPv6."""
    cap = Capture()
    for from_client, dgram in conversation("2001:db8:1::1", "2001:db8:2::1", 50000, 443, 7_000_000, 8_000_000):
        outer_src, outer_dst = ("2001:db8::a", "2001:db8::b") if from_client else ("2001:db8::b", "2001:db8::a")
        cap.add(ethernet(MAC_B, MAC_A, 0x86DD, ipv6(outer_src, outer_dst, 47, gre(0x86DD, dgram, with_checksum=True))))
    return cap


def erspan():
    """Mirrored frames: ERSPAN type II (GRE with a sequence number) and type I (without)."""
    cap = Capture()
    first = conversation("10.3.0.1", "10.4.0.1", 41000, 8080, 11_000_000, 12_000_000)
    second = conversation("10.3.0.1", "10.4.0.1", 41001, 8080, 13_000_000, 14_000_000)
    for i, (from_client, dgram) in enumerate(first):
        frame = ethernet(MAC_D, MAC_C, 0x0800, dgram) if from_client else ethernet(MAC_C, MAC_D, 0x0800, dgram)
        # Version 1 (type II), VLAN 10, COS 0, encapsulation 0, truncated 0, session 7, index 0.
        header = struct.pack("!HHI", 1 << 12 | 10, 7, 0)
        payload = gre(0x88BE, header + frame, seq=i + 1)
        cap.add(ethernet(MAC_B, MAC_A, 0x0800, ipv4("192.0.2.10", "192.0.2.20", 47, payload, ident=i)))
    for i, (from_client, dgram) in enumerate(second):
        frame = ethernet(MAC_D, MAC_C, 0x0800, dgram) if from_client else ethernet(MAC_C, MAC_D, 0x0800, dgram)
        cap.add(ethernet(MAC_B, MAC_A, 0x0800, ipv4("192.0.2.10", "192.0.2.20", 47, gre(0x88BE, frame), ident=100 + i)))
    return cap


# --- UDP tunnels -----------------------------------------------------------------------------

def vxlan_vnis():
    """The same inner 4-tuple in VXLAN VNIs 5001 and 5002: two connections."""
    cap = Capture()
    a = conversation("192.168.1.2", "192.168.1.1", 37099, 22, 21_000_000, 22_000_000)
    b = conversation("192.168.1.2", "192.168.1.1", 37099, 22, 23_000_000, 24_000_000)
    for vni, (from_client, dgram) in interleave([(5001, x) for x in a], [(5002, x) for x in b]):
        outer_src, outer_dst = ("10.25.132.11", "10.25.132.13") if from_client else ("10.25.132.13", "10.25.132.11")
        macs = (MAC_D, MAC_C) if from_client else (MAC_C, MAC_D)
        inner = ethernet(macs[0], macs[1], inner_ethertype(dgram), dgram)
        body = struct.pack("!BxxxI", 0x08, vni << 8) + inner
        sport = 49152 + (vni % 100) * 7 + (0 if from_client else 1)
        cap.add(ethernet(MAC_B, MAC_A, 0x0800, ipv4(outer_src, outer_dst, 17, udp(outer_src, outer_dst, sport, 4789, body),
                                                    ident=len(cap.records), df=False)))
    return cap


def geneve():
    """Geneve over IPv6 carrying Ethernet (with an option) and IPv4 directly."""
    cap = Capture()
    a = conversation("30.0.0.2", "30.0.0.1", 51225, 22, 31_000_000, 32_000_000)
    b = conversation("fd00::2", "fd00::1", 38687, 45505, 33_000_000, 34_000_000)
    for i, (from_client, dgram) in enumerate(a):
        outer_src, outer_dst = ("20.0.0.2", "20.0.0.1") if from_client else ("20.0.0.1", "20.0.0.2")
        # One 4-byte option of class 0x0000, type 0x80 (critical), when the server sends.
        options = b"" if from_client else struct.pack("!HBB", 0, 0x80, 1) + b"\0\0\0\x0c"
        header = struct.pack("!BBHI", len(options) // 4, 0x40 if options else 0, 0x0800, 0x0A << 8)
        cap.add(ethernet(MAC_B, MAC_A, 0x0800, ipv4(outer_src, outer_dst, 17,
                                                    udp(outer_src, outer_dst, 43443 + (0 if from_client else 1), 6081,
                                                        header + options + dgram, zero_checksum=True), ident=i)))
    for from_client, dgram in b:
        outer_src, outer_dst = ("2604:1380::b", "2604:1380::d") if from_client else ("2604:1380::d", "2604:1380::b")
        header = struct.pack("!BBHI", 0, 0, 0x6558, 0x1389 << 8)
        inner = ethernet(MAC_D, MAC_C, 0x86DD, dgram)
        cap.add(ethernet(MAC_B, MAC_A, 0x86DD, ipv6(outer_src, outer_dst, 17, udp(outer_src, outer_dst, 60561, 6081, header + inner))))
    return cap


def gtp_u():
    """GTP-U (UDP 2152): one TEID uplink, another downlink; a second session with its own pair."""
    cap = Capture()
    a = conversation("10.45.0.2", "203.0.113.5", 33000, 443, 41_000_000, 42_000_000)
    b = conversation("10.45.0.3", "203.0.113.5", 33001, 443, 43_000_000, 44_000_000)
    for teids, (from_client, dgram) in interleave([((0x100, 0x200), x) for x in a], [((0x101, 0x201), x) for x in b]):
        outer_src, outer_dst = ("172.16.0.1", "172.16.0.2") if from_client else ("172.16.0.2", "172.16.0.1")
        teid = teids[0] if from_client else teids[1]
        if from_client:
            body = struct.pack("!BBHI", 0x30, 0xFF, len(dgram), teid) + dgram
        else:
            # With a sequence number (S flag): 4 more bytes of sequence, N-PDU and next extension.
            body = struct.pack("!BBHIHBB", 0x32, 0xFF, len(dgram) + 4, teid, len(cap.records), 0, 0) + dgram
        cap.add(ethernet(MAC_B, MAC_A, 0x0800, ipv4(outer_src, outer_dst, 17, udp(outer_src, outer_dst, 2152, 2152, body),
                                                    ident=len(cap.records))))
    return cap


# --- Link-layer tunnels ----------------------------------------------------------------------

def mpls(labels, payload):
    out = b""
    for i, (label, tc, ttl) in enumerate(labels):
        bottom = 1 if i == len(labels) - 1 else 0
        out += struct.pack("!I", label << 12 | tc << 9 | bottom << 8 | ttl)
    return out + payload


def mpls_stack():
    """A two-label stack (transport, VPN) whose labels differ by direction, as label switching
    makes them; an IPv6 connection under one label."""
    cap = Capture()
    for from_client, dgram in conversation("10.5.0.1", "10.6.0.1", 42000, 25, 51_000_000, 52_000_000):
        labels = [(16001, 0, 254), (300, 0, 255)] if from_client else [(17002, 0, 253), (401, 0, 255)]
        cap.add(ethernet(MAC_B, MAC_A, 0x8847, mpls(labels, dgram)))
    for from_client, dgram in conversation("2001:db8:5::1", "2001:db8:6::1", 42001, 25, 53_000_000, 54_000_000):
        label = 2 if from_client else 500  # label 2 is IPv6 explicit null
        cap.add(ethernet(MAC_B, MAC_A, 0x8847, mpls([(label, 5, 64)], dgram)))
    return cap


def pppoe_sessions():
    """PPPoE session traffic (EtherType 0x8864): IPv4 (PPP 0x0021) and IPv6 (0x0057)."""
    cap = Capture()
    a = conversation("100.64.0.10", "198.51.100.7", 45000, 80, 61_000_000, 62_000_000)
    b = conversation("2001:db8:100::10", "2001:db8:200::7", 45001, 80, 63_000_000, 64_000_000)
    for session, (from_client, dgram) in interleave([(0x1234, x) for x in a], [(0x0042, x) for x in b]):
        ppp = struct.pack("!H", 0x0057 if dgram[0] >> 4 == 6 else 0x0021) + dgram
        header = struct.pack("!BBHH", 0x11, 0x00, session, len(ppp))
        cap.add(ethernet(MAC_B, MAC_A, 0x8864, header + ppp) if from_client else ethernet(MAC_A, MAC_B, 0x8864, header + ppp))
    return cap


# --- IP in IP --------------------------------------------------------------------------------

def ip_in_ip():
    """4in4 (protocol 4), 6in4 (41), 4in6 (4) and 6in6 (41)."""
    cap = Capture()
    cases = [
        (("192.0.2.1", "192.0.2.2"), conversation("10.7.0.1", "10.8.0.1", 46000, 80, 71_000_000, 72_000_000)),
        (("192.0.2.1", "192.0.2.3"), conversation("2001:db8:7::1", "2001:db8:8::1", 46001, 80, 73_000_000, 74_000_000)),
        (("2001:db8::1", "2001:db8::2"), conversation("10.7.0.2", "10.8.0.2", 46002, 80, 75_000_000, 76_000_000)),
        (("2001:db8::1", "2001:db8::3"), conversation("2001:db8:7::2", "2001:db8:8::2", 46003, 80, 77_000_000, 78_000_000)),
    ]
    for (a, b), packets in cases:
        for from_client, dgram in packets:
            src, dst = (a, b) if from_client else (b, a)
            proto = 41 if dgram[0] >> 4 == 6 else 4
            outer = ip(src, dst, proto, dgram)
            cap.add(ethernet(MAC_B, MAC_A, 0x86DD if ":" in src else 0x0800, outer))
    return cap


def nested():
    """MPLS in GRE, VXLAN in GRE, and two hostile packets: IPv4 in IPv4 forty deep (walked to
    tcpwave's nesting limit, then reported) and one truncated inside the GRE header."""
    cap = Capture()
    for i, (from_client, dgram) in enumerate(conversation("10.9.0.1", "10.10.0.1", 47000, 80, 81_000_000, 82_000_000)):
        src, dst = ("192.0.2.1", "192.0.2.2") if from_client else ("192.0.2.2", "192.0.2.1")
        label = 1000 if from_client else 2000
        cap.add(ethernet(MAC_B, MAC_A, 0x0800, ipv4(src, dst, 47, gre(0x8847, mpls([(label, 0, 64)], dgram)), ident=i)))
    for i, (from_client, dgram) in enumerate(conversation("10.11.0.1", "10.12.0.1", 47001, 80, 83_000_000, 84_000_000)):
        src, dst = ("192.0.2.1", "192.0.2.2") if from_client else ("192.0.2.2", "192.0.2.1")
        inner = ethernet(MAC_D, MAC_C, 0x0800, dgram)
        vx = udp("172.31.0.1", "172.31.0.2", 50000, 4789, struct.pack("!BxxxI", 0x08, 77 << 8) + inner)
        cap.add(ethernet(MAC_B, MAC_A, 0x0800, ipv4(src, dst, 47, gre(0x0800, ipv4("172.31.0.1", "172.31.0.2", 17, vx)), ident=i)))
    # The bottom is a UDP datagram, so this packet is no TCP that tcpdump or tshark would
    # show; a TCP segment as deep is the same error (Tests/WireTests/EncapsulationTests.swift).
    deep = ipv4("10.13.0.1", "10.14.0.1", 17, udp("10.13.0.1", "10.14.0.1", 47002, 53, b"\0" * 12))
    for _ in range(40):
        deep = ipv4("192.0.2.1", "192.0.2.2", 4, deep)
    cap.add(ethernet(MAC_B, MAC_A, 0x0800, deep))
    cap.add(ethernet(MAC_B, MAC_A, 0x0800, ipv4("192.0.2.1", "192.0.2.2", 47, struct.pack("!HH", 0x2000, 0x0800) + b"\0\0")))
    return cap


CAPTURES = {
    "gre-keys": gre_keys,
    "gre-ipv6-checksum": gre_ipv6_checksum,
    "erspan": erspan,
    "vxlan-vnis": vxlan_vnis,
    "geneve": geneve,
    "gtp-u": gtp_u,
    "mpls": mpls_stack,
    "pppoe": pppoe_sessions,
    "ip-in-ip": ip_in_ip,
    "nested": nested,
}


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "pcap", "tunnels")
    os.makedirs(directory, exist_ok=True)
    for name, build in CAPTURES.items():
        cap = build()
        path = os.path.join(directory, name + ".pcap")
        cap.write(path)
        print("%s: %d packets" % (path, len(cap.records)))


if __name__ == "__main__":
    main()
