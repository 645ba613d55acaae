#!/usr/bin/env python3
"""tcpwave's benchmark: packets/s and peak memory beside tcpdump and a libpcap-only floor.

    python3 Benchmarks/bench.py            # 2M-packet / ~200k-connection capture and a 1M-SYN flood
    python3 Benchmarks/bench.py --scaling  # also 1M and 4M packets, cost per packet
    python3 Benchmarks/bench.py --tiny     # 20k packets, 1 run each: proves it works (CI)
    python3 Benchmarks/bench.py --report   # only the HTML report of ~200k connections in Chromium

Captures are generated once by our own generator (tcpwave-craft traffic/flood) into bench-data/
and reused. Every command runs once to warm up, then --runs times (default 5) in alternating
order; the table shows the median wall time, the median CPU time (user + system: tcpwave reads
and decodes on a second thread for --summary, so it can exceed the wall time) and the largest
peak RSS (getrusage of the child).
Address layout: client and server IPv4 addresses are drawn uniformly from 1.0.0.0-223.255.255.255
and IPv6 from 2001:db8::/32 (10% of connections), so no tool's address cache gets an easy ride.
"""
import argparse, os, platform, resource, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench-data")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def build():
    sh(["swift", "build", "-c", "release", "--product", "tcpwave"], stdout=subprocess.DEVNULL)
    sh(["swift", "build", "-c", "release", "--product", "tcpwave-craft"], stdout=subprocess.DEVNULL)
    floor = os.path.join(DATA, "pcap-floor")
    src = os.path.join(ROOT, "Benchmarks", "pcap-floor.c")
    if not os.path.exists(floor) or os.path.getmtime(floor) < os.path.getmtime(src):
        sh(["cc", "-O2", "-o", floor, src, "-lpcap"])
    return os.path.join(ROOT, ".build", "release", "tcpwave"), os.path.join(ROOT, ".build", "release", "tcpwave-craft"), floor


def capture(craft, kind, n):
    path = os.path.join(DATA, f"{kind}-{n}.pcap")
    if not os.path.exists(path):
        args = [craft, "traffic", path, str(n), "2000"] if kind == "traffic" else [craft, "flood", path, str(n)]
        print("generating", sh(args, capture_output=True, text=True).stdout.strip(), file=sys.stderr)
    return path


def measure(argv, env):
    """Runs argv with stdout to /dev/null; returns (wall seconds, peak RSS in MiB, CPU seconds)."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        p = subprocess.Popen(argv, stdout=null, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(argv)}")
    return elapsed, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def packets_in(floor, path):
    return int(subprocess.run([floor, path], capture_output=True, text=True, check=True).stdout.split()[0])


def run_set(title, path, commands, runs, floor):
    env = dict(os.environ, TZ="UTC")
    n = packets_in(floor, path)
    for _, argv in commands:
        measure(argv, env)  # warm-up
    times = {name: [] for name, _ in commands}
    cpu = {name: [] for name, _ in commands}
    rss = {name: 0.0 for name, _ in commands}
    for r in range(runs):
        order = commands if r % 2 == 0 else list(reversed(commands))
        for name, argv in order:
            t, m, c = measure(argv, env)
            times[name].append(t)
            cpu[name].append(c)
            rss[name] = max(rss[name], m)
    med = {name: statistics.median(v) for name, v in times.items()}
    med_cpu = {name: statistics.median(v) for name, v in cpu.items()}
    td = med.get("tcpdump -nn -S (TZ=UTC)")
    td_default = med.get("tcpdump -nn")
    fl = med["libpcap floor (C)"]
    print(f"\n### {title}: {os.path.basename(path)}, {n:,} packets, median of {runs} runs\n")
    print("| command | time (s) | CPU (s) | packets/s | vs tcpdump -nn -S | vs tcpdump -nn | vs floor | peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, _ in commands:
        t = med[name]
        ratio_s = f"{td / t:.2f}x" if td else "-"
        ratio_d = f"{td_default / t:.2f}x" if td_default else "-"
        print(f"| {name} | {t:.3f} | {med_cpu[name]:.3f} | {n / t:,.0f} | {ratio_s} | {ratio_d} | {t / fl:.2f}x slower | {rss[name]:.1f} |")
    return n, med


def chromium_path():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def report_set(tcpwave, craft, packets, runs):
    """The HTML report of a ~200k-connection capture: writing it, its size, and opening it in
    headless Chromium (the load event as the page measures it, and the whole browser run)."""
    path = capture(craft, "traffic", packets)
    page = os.path.join(DATA, f"report-{packets}.html")
    env = dict(os.environ, TZ="UTC")
    wall, rss, cpu = measure([tcpwave, "-r", path, "--diagram", page], env)
    text = open(page, encoding="utf-8").read()
    size = os.path.getsize(page)
    marker = '<script type="application/json" id="tw-data">'
    rows = text.index("</script>", text.index(marker)) - text.index(marker) - len(marker)
    drawings = text.index(marker) - text.index("<template") if "<template" in text else 0
    count = int(text.split('"count":', 1)[1].split(",", 1)[0])
    print(f"\n### HTML report: {os.path.basename(path)}, {count:,} connections\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| tcpwave --diagram (s, peak RSS MiB) | {wall:.3f} s, {rss:.1f} MiB |")
    print(f"| page size | {size / 1e6:.2f} MB ({size / count:.0f} B per connection) |")
    print(f"| of which the table's rows (JSON) | {rows / 1e6:.2f} MB ({rows / count:.0f} B per connection) |")
    print(f"| of which the drawings (bounded) | {drawings / 1e6:.2f} MB |")
    chromium = chromium_path()
    if not chromium:
        print("| Chromium | not installed: load time not measured |")
        return
    timed = os.path.join(DATA, "report-timed.html")
    blank = os.path.join(DATA, "report-blank.html")
    probe = ('<script>addEventListener("load",function(){document.documentElement.setAttribute('
             '"data-load-ms",String(performance.now()))})</script></body>')
    with open(timed, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", probe, 1))
    with open(blank, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><body>" + probe + "</html>")
    profile = os.path.join(DATA, "chromium-profile")
    base = [chromium, "--headless", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}"]
    if os.geteuid() == 0:
        base.insert(1, "--no-sandbox")

    def load_ms(url):
        # The page's own clock from navigation start to its load event (the table's first page
        # rendered by then): --dump-dom returns the attribute the probe set.
        out = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=300).stdout
        return float(out.split('data-load-ms="', 1)[1].split('"', 1)[0])

    def screenshot_s(url):
        shot = os.path.join(DATA, "report.png")
        start = time.perf_counter()
        subprocess.run(base + ["--hide-scrollbars", "--window-size=1300,900", f"--screenshot={shot}", url],
                       capture_output=True, timeout=300, check=True)
        return time.perf_counter() - start

    url, blank_url = "file://" + timed, "file://" + blank
    load_ms(url)  # warm-up
    loads = [load_ms(url) for _ in range(runs)]
    blank_loads = [load_ms(blank_url) for _ in range(runs)]
    shots = [screenshot_s(url) for _ in range(runs)]
    blank_shots = [screenshot_s(blank_url) for _ in range(runs)]
    print(f"| Chromium: load event (median of {runs}) | {statistics.median(loads) / 1000:.2f} s (blank page {statistics.median(blank_loads) / 1000:.2f} s) |")
    print(f"| Chromium: headless screenshot, whole run (median of {runs}) | {statistics.median(shots):.2f} s (blank page {statistics.median(blank_shots):.2f} s) |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tiny", action="store_true", help="20k packets, one run: a smoke test")
    ap.add_argument("--scaling", action="store_true", help="also 1M and 4M packets")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--packets", type=int, default=2_000_000)
    ap.add_argument("--flood", type=int, default=1_000_000)
    ap.add_argument("--report", action="store_true", help="only the HTML report measurement")
    ap.add_argument("--report-packets", type=int, default=2_125_000, help="packets of the report's capture (~200k connections)")
    args = ap.parse_args()
    if args.tiny:
        args.packets, args.flood, args.runs, args.report_packets = 20_000, 10_000, 1, 20_000
    os.makedirs(DATA, exist_ok=True)
    tcpwave, craft, floor = build()
    tcpdump = shutil.which("tcpdump") or ("/usr/sbin/tcpdump" if os.path.exists("/usr/sbin/tcpdump") else None)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"tcpwave benchmark at commit {commit}{' (with uncommitted changes)' if dirty else ''}")
    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")

    def commands(path, with_lines=True):
        c = []
        if with_lines:
            c.append(("tcpwave (annotated lines)", [tcpwave, "-r", path]))
        c.append(("tcpwave --summary", [tcpwave, "-r", path, "--summary"]))
        if with_lines and "--json" in subprocess.run([tcpwave, "--help"], capture_output=True, text=True).stdout:
            c.append(("tcpwave --json", [tcpwave, "-r", path, "--json"]))
        if tcpdump:
            c.append(("tcpdump -nn -S (TZ=UTC)", [tcpdump, "-nn", "-S", "-r", path]))
            c.append(("tcpdump -nn", [tcpdump, "-nn", "-r", path]))
        c.append(("libpcap floor (C)", [floor, path]))
        return c

    if args.report:
        report_set(tcpwave, craft, args.report_packets, min(args.runs, 3))
        return
    path = capture(craft, "traffic", args.packets)
    run_set("Connections", path, commands(path), args.runs, floor)
    flood = capture(craft, "flood", args.flood)
    run_set("SYN flood", flood, commands(flood), args.runs, floor)
    if args.scaling:
        print("\n### Scaling: cost per packet of tcpwave (annotated lines)\n")
        print("| packets | ns/packet (lines) | ns/packet (--summary) |")
        print("|---:|---:|---:|")
        for size in (1_000_000, 2_000_000, 4_000_000):
            p = capture(craft, "traffic", size)
            n = packets_in(floor, p)
            env = dict(os.environ, TZ="UTC")
            measure([tcpwave, "-r", p], env)
            lines = statistics.median(measure([tcpwave, "-r", p], env)[0] for _ in range(args.runs))
            summ = statistics.median(measure([tcpwave, "-r", p, "--summary"], env)[0] for _ in range(args.runs))
            print(f"| {n:,} | {lines / n * 1e9:.0f} | {summ / n * 1e9:.0f} |")
    report_set(tcpwave, craft, args.report_packets, min(args.runs, 3))


if __name__ == "__main__":
    main()
