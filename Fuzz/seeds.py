#!/usr/bin/env python3
"""Seed corpora for the fuzzers, from our own fixtures (stdlib only).

    seeds.py OUTDIR    writes OUTDIR/FuzzDecoder, OUTDIR/FuzzPipeline, OUTDIR/FuzzCapture
"""
import glob, os, struct, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Order of LinkType.supported in Sources/Wire/LinkType.swift.
SUPPORTED = [1, 113, 276, 0, 108, 12, 228, 229, 9, 50, 104, 105, 127, 192, 7, 129, 178, 242]


def records(path):
    data = open(path, "rb").read()
    if len(data) < 24:
        return None, []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None, []  # pcapng: the capture fuzzer gets the whole file
    link = struct.unpack(e + "I", data[20:24])[0]
    out, at = [], 24
    while at + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(e + "IIII", data[at:at + 16])
        at += 16
        out.append(data[at:at + caplen])
        at += caplen
    return link, out


def main(outdir):
    fixtures = sorted(glob.glob(os.path.join(ROOT, "Fixtures", "pcap", "**", "*.pcap*"), recursive=True))
    dirs = {n: os.path.join(outdir, n) for n in ("FuzzDecoder", "FuzzPipeline", "FuzzCapture")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    n = 0
    for f in fixtures:
        base = os.path.basename(f)
        blob = open(f, "rb").read()
        if len(blob) <= 65536:
            open(os.path.join(dirs["FuzzCapture"], base), "wb").write(blob)
        link, frames = records(f)
        if link is None or link == 101:
            link = 12
        if link not in SUPPORTED:
            continue
        selector = SUPPORTED.index(link)
        pipeline = b""
        for i, frame in enumerate(frames[:64]):
            open(os.path.join(dirs["FuzzDecoder"], f"{base}-{i}"), "wb").write(bytes([selector]) + frame)
            ip = frame[14:] if link == 1 else frame
            if len(ip) <= 0xFFFF:  # a jumbo or TSO frame does not fit the length field
                pipeline += struct.pack(">HB", len(ip), 1) + ip
            n += 1
        open(os.path.join(dirs["FuzzPipeline"], base), "wb").write(pipeline[:60000])
    print(f"seeds: {n} frames from {len(fixtures)} fixtures in {outdir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Fuzz", ".corpus"))
