#!/usr/bin/env python3
"""Turns a fuzzer input into a pcap file tcpwave can read, for Fixtures/regressions.

    to-pcap.py FuzzDecoder|FuzzPipeline|FuzzCapture INPUT OUTPUT.pcap

FuzzDecoder inputs are a link-type selector byte and one frame; FuzzPipeline inputs are
length-prefixed raw IP frames; FuzzCapture inputs are capture files already.
"""
import struct, sys

SUPPORTED = [1, 113, 276, 0, 108, 12, 228, 229]  # LinkType.supported order (Sources/Wire/LinkType.swift)


def pcap(link, frames):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 101 if link == 12 else link)
    for i, (step, f) in enumerate(frames):
        out += struct.pack("<IIII", 1_764_320_400 + step, i, len(f), len(f)) + f
    return out


def main(target, src, dst):
    data = open(src, "rb").read()
    if target == "FuzzCapture":
        out = data
    elif target == "FuzzDecoder":
        if not data:
            raise SystemExit("empty input")
        out = pcap(SUPPORTED[data[0] % len(SUPPORTED)], [(0, data[1:])])
    else:
        frames, at, t = [], 0, 0
        while at + 3 <= len(data):
            n = data[at] << 8 | data[at + 1]
            t += data[at + 2] // 10
            frames.append((t, data[at + 3:at + 3 + n]))
            at += 3 + n
        out = pcap(12, frames)
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main(*sys.argv[1:4])
