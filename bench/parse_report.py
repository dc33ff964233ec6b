#!/usr/bin/python3
"""Turn bench/parse_run's raw results (one tab-separated line per run: id,
label, command, the key=value figures, an error text) into the printed table,
the ratios against the goals and parse_results.json."""
import statistics
import sys

import report

WORKLOADS = [
    ("ordinary", "1. ordinary messages"),
    ("large", "2. 5 MiB base64 attachments"),
    ("mbox", "3. mbox, streamed"),
]
TOOLS = [("envoi", "envoi"), ("gmime", "GMime"), ("python", "Python")]
# (workload, peer, minimum envoi/peer ratio of MiB/s)
SPEED_GOALS = [("ordinary", "gmime", 10.0), ("ordinary", "python", 50.0), ("large", "gmime", 5.0)]
RSS_GOAL_MIB = 64.0
COUNTS = ("messages", "failed", "parts", "leaves", "headers", "addresses", "decoded_bytes")


def number(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_runs(path):
    runs, order = {}, []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            rid, label, command, figures = parts[:4]
            run = {k: number(v) for k, v in
                   (p.split("=", 1) for p in figures.split() if "=" in p)}
            if len(parts) > 4 and parts[4]:
                run["error"] = parts[4]
            if rid not in runs:
                runs[rid] = {"label": label, "command": command, "runs": []}
                order.append(rid)
            runs[rid]["runs"].append(run)
    return runs, order


def summarize(bench):
    good = [r for r in bench["runs"] if "mib_per_s" in r and "error" not in r]
    bench["ok"] = bool(good) and len(good) == len(bench["runs"])
    if not good:
        bench["median"] = None
        bench["error"] = next((r["error"] for r in bench["runs"] if r.get("error")), "no result")
        return
    bench["median"] = {k: statistics.median(r[k] for r in good)
                       for k in ("mib_per_s", "seconds", "cpu_s", "maxrss_kib", "bytes")}
    bench["work"] = {k: good[-1].get(k) for k in COUNTS}


def rate(runs, workload, tool):
    m = runs.get(f"{workload}.{tool}", {}).get("median")
    return m["mib_per_s"] if m else None


def fmt(v, spec, none="n/a"):
    return none if v is None else format(v, spec)


def ratio(a, b):
    return a / b if a is not None and b else None


def print_table(runs):
    print(f"  {'workload':<30} {'envoi':>9} {'GMime':>9} {'Python':>9}"
          f" {'envoi/GMime':>12} {'envoi/Python':>13}   (MiB/s, medians)")
    for w, title in WORKLOADS:
        if not any(f"{w}.{t}" in runs for t, _ in TOOLS):
            continue
        r = {t: rate(runs, w, t) for t, _ in TOOLS}
        print(f"  {title:<30} {fmt(r['envoi'], '9.1f'):>9} {fmt(r['gmime'], '9.1f'):>9}"
              f" {fmt(r['python'], '9.1f'):>9} {fmt(ratio(r['envoi'], r['gmime']), '11.2f'):>11}x"
              f" {fmt(ratio(r['envoi'], r['python']), '12.2f'):>12}x")


def print_details(runs, order):
    print(f"\n  {'run':<22} {'MiB/s':>8} {'CPU s':>8} {'RSS MiB':>8} {'msgs':>6} {'failed':>6}"
          f" {'parts':>6} {'leaves':>6} {'decoded MiB':>11}   every run (MiB/s)")
    for i in order:
        b = runs[i]
        m = b["median"]
        if m is None:
            print(f"  {i:<22} FAILED: {b['error']}")
            continue
        w = b["work"]
        every = " ".join(fmt(r.get("mib_per_s"), ".1f", "fail") for r in b["runs"])
        print(f"  {i:<22} {m['mib_per_s']:>8.1f} {m['cpu_s']:>8.3f} {m['maxrss_kib'] / 1024:>8.1f}"
              f" {w['messages']:>6} {w['failed']:>6} {w['parts']:>6} {w['leaves']:>6}"
              f" {w['decoded_bytes'] / 2**20:>11.1f}   {every}")


def goals(runs):
    out = []
    for w, peer, want in SPEED_GOALS:
        got = ratio(rate(runs, w, "envoi"), rate(runs, w, peer))
        out.append({"goal": f"{w}: envoi >= {want:g}x {peer}", "workload": w, "peer": peer,
                    "want": want, "ratio": got, "met": got is not None and got >= want})
    m = runs.get("mbox.envoi", {}).get("median")
    rss = m["maxrss_kib"] / 1024 if m else None
    out.append({"goal": f"mbox: envoi peak RSS < {RSS_GOAL_MIB:g} MiB", "workload": "mbox",
                "want": RSS_GOAL_MIB, "peak_rss_mib": rss,
                "met": rss is not None and rss < RSS_GOAL_MIB})
    return out


def print_goals(results):
    print("\n  goals of the parser")
    for g in results:
        if "ratio" in g:
            got = fmt(g["ratio"], ".2f") + "x"
        else:
            got = fmt(g["peak_rss_mib"], ".1f") + " MiB"
        print(f"  {g['goal']:<40} {got:>10}   {'met' if g['met'] else 'NOT MET'}")


def main():
    args, runs, order, meta = report.start(__doc__, read=parse_runs, summary=summarize)
    print(f"\nenvoi parser bench: {meta.get('date', '')}, {meta.get('cpus', '?')} CPUs, "
          f"GMime {meta.get('gmime', '?')}, Python {meta.get('python', '?')}; medians of "
          f"{meta.get('reps', '?')} runs x {meta.get('passes', '?')} passes (Python: 1 run x "
          f"{meta.get('python_passes', '?')}); mbox {meta.get('mbox_mib', '?')} MiB (Python: "
          f"its first {meta.get('python_mbox_mib', '?')} MiB)")
    print_table(runs)
    print_details(runs, order)
    results = goals(runs)
    print_goals(results)
    doc = {"meta": meta, "benchmarks": {i: runs[i] for i in order}, "goals": results}
    return report.finish(args.json, doc, all(b["ok"] for b in runs.values()))


if __name__ == "__main__":
    sys.exit(main())
