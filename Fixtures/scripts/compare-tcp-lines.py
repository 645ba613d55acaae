#!/usr/bin/env python3
"""Compares tcpwave's TCP lines with Debian tcpdump's, packet by packet.

    compare-tcp-lines.py [--tcpwave PATH] [--options "-e -v"] FILE...

Both run with -# -nn (tcpwave with --no-annotate). A packet counts as a TCP packet when tcpdump's
text for it has a TCP line ("Flags [" or "tcp N" with -q); it is identical when tcpwave's text for
it is a prefix of tcpdump's (tcpwave stops at "length N", tcpdump goes on into the payload's
protocol). Prints one row per file and the mismatches (at most --show per file).
"""
import argparse
import re
import subprocess
import sys

RECORD = re.compile(r"^ {0,4}(\d+)  ")


def records(text):
    """Packet number -> the whole text tcpdump or tcpwave printed for it (continuation lines too)."""
    out = {}
    current = None
    for line in text.splitlines():
        m = RECORD.match(line)
        if m:
            current = int(m.group(1))
            out[current] = line
        elif current is not None:
            out[current] += "\n" + line
    return out


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, errors="replace").stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tcpwave", default=".build/debug/tcpwave")
    ap.add_argument("--options", default="")
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    extra = args.options.split()
    total = same = 0
    for path in args.files:
        want = records(run(["tcpdump", "-#", "-nn"] + extra + ["-r", path]))
        got = records(run([args.tcpwave, "-#", "-nn", "--no-annotate"] + extra + ["-r", path]))
        tcp = {n: t for n, t in want.items() if "Flags [" in t or re.search(r": tcp \d+", t)}
        ok = [n for n in tcp if n in got and tcp[n].startswith(got[n])]
        total += len(tcp)
        same += len(ok)
        print(f"{len(ok):6d}/{len(tcp):<6d} {path}")
        shown = 0
        for n in sorted(tcp):
            if n in ok or shown >= args.show:
                continue
            shown += 1
            print(f"  packet {n}\n    tcpdump: {tcp[n][:400]!r}\n    tcpwave: {got.get(n, '(no line)')[:400]!r}")
    pct = 100.0 * same / total if total else 100.0
    print(f"{same}/{total} TCP packets identical ({pct:.2f}%) with options '{args.options}'")
    return 0 if same == total else 1


if __name__ == "__main__":
    sys.exit(main())
