#!/usr/bin/python3
"""Turn bench/run's raw results (one tab-separated line per run: id, label,
command, the key=value figures, an error text) into the printed table, the
ratios and results.json."""
import argparse
import json
import statistics
import sys

SECTIONS = [
    ("main", "1. 10 sessions, 10,000 messages of 10 KiB -> smtp-sink"),
    ("single", "2. one sender at a time, the same 10 KiB message"),
    ("rss", "3. peak memory"),
]
# (name, envoi run, peer run, goal for the msg/s ratio (at least), goal for
# the CPU/msg ratio (at most)); None: no goal
RATIOS = [
    ("envoi / smtp-source", "main.envoi", "main.smtp_source", 1.0, 1.0),
    ("envoi / smtp-source -d (connections reused)", "main.envoi", "main.smtp_source_d", None, None),
    ("envoi --compose / smtp-source", "main.envoi_compose", "main.smtp_source", None, None),
    ("envoi 1 session / smtp-source -d -s 1", "single.envoi", "single.smtp_source_d", None, None),
    ("envoi 1 session / Python smtplib", "single.envoi", "single.smtplib", None, None),
    ("envoi send per message / msmtp per message", "single.envoi_cli", "single.msmtp", None,
     None),
]
RSS_GOAL_MIB = 32.0
NUMERIC = ("seconds", "msgs_per_s", "cpu_s", "cpu_ms_per_msg", "maxrss_kib", "sent", "failed")


def number(text):
    """The value as an int or a float when it is one, else the text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_runs(path):
    runs = {}
    order = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            rid, label, command, figures = parts[:4]
            kv = dict(p.split("=", 1) for p in figures.split() if "=" in p)
            run = {k: number(v) for k, v in kv.items()}
            if len(parts) > 4 and parts[4]:
                run["error"] = parts[4]
            if rid not in runs:
                runs[rid] = {"label": label, "command": command, "runs": []}
                order.append(rid)
            runs[rid]["runs"].append(run)
    return runs, order


def ok(run):
    return run.get("failed", 1) == 0 and run.get("sent", 0) > 0


def summarize(bench):
    good = [r for r in bench["runs"] if ok(r)]
    bench["ok"] = bool(good) and len(good) == len(bench["runs"])
    if good:
        bench["median"] = {k: statistics.median(r[k] for r in good)
                           for k in NUMERIC if all(k in r for r in good)}
    else:
        bench["median"] = None
        bench["error"] = next((r.get("error", "") for r in bench["runs"] if r.get("error")),
                              "no successful run")


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def print_section(runs, order, prefix, title):
    ids = [i for i in order if i.startswith(prefix + ".")]
    if not ids:
        return
    print(f"\n{title}")
    if prefix == "rss":
        for i in ids:
            b = runs[i]
            m = b["median"]
            if m is None:
                print(f"  {b['label']:<58} FAILED: {b['error']}")
                continue
            mib = m["maxrss_kib"] / 1024
            verdict = ""
            if i == "rss.envoi_attach":
                verdict = "  goal < %d MiB: %s" % (RSS_GOAL_MIB,
                                                   "met" if mib < RSS_GOAL_MIB else "NOT MET")
            print(f"  {b['label']:<58} peak RSS {mib:7.1f} MiB  ({m['seconds']:.2f} s){verdict}")
        return
    print(f"  {'client':<58} {'msg/s':>9} {'CPU ms/msg':>11}   runs (msg/s)")
    for i in ids:
        b = runs[i]
        m = b["median"]
        every = " ".join(fmt(r.get("msgs_per_s"), ".0f") if ok(r) else "fail" for r in b["runs"])
        if m is None:
            print(f"  {b['label']:<58} {'FAILED':>9} {'':>11}   {b['error']}")
            continue
        print(f"  {b['label']:<58} {m['msgs_per_s']:>9.0f} {m['cpu_ms_per_msg']:>11.4f}   {every}")


def compute_ratios(runs, table=None):
    out = []
    for name, a, b, speed_goal, cpu_goal in RATIOS if table is None else table:
        ma = runs.get(a, {}).get("median")
        mb = runs.get(b, {}).get("median")
        if not ma or not mb:
            continue
        speed = ma["msgs_per_s"] / mb["msgs_per_s"] if mb["msgs_per_s"] else None
        cpu = ma["cpu_ms_per_msg"] / mb["cpu_ms_per_msg"] if mb["cpu_ms_per_msg"] else None
        r = {"name": name, "envoi": a, "peer": b, "msgs_per_s": speed, "cpu_per_msg": cpu,
             "goal": speed_goal is not None or cpu_goal is not None}
        if speed_goal is not None:
            r["msgs_per_s_goal"] = speed_goal
            r["msgs_per_s_goal_met"] = speed is not None and speed >= speed_goal
        if cpu_goal is not None:
            r["cpu_per_msg_goal"] = cpu_goal
            r["cpu_per_msg_goal_met"] = cpu is not None and cpu <= cpu_goal
        out.append(r)
    return out


def print_ratios(ratios):
    if not ratios:
        return
    print("\nratios (medians; msg/s above 1 and CPU/msg below 1 favour envoi)")
    print(f"  {'':<58} {'msg/s':>9} {'CPU/msg':>11}")
    for r in ratios:
        line = f"  {r['name']:<58} {fmt(r['msgs_per_s'], '.2f'):>9} {fmt(r['cpu_per_msg'], '.2f'):>11}"
        goals = []
        if "msgs_per_s_goal" in r:
            goals.append("msg/s >= %g: %s" % (r["msgs_per_s_goal"],
                                               "met" if r["msgs_per_s_goal_met"] else "NOT MET"))
        if "cpu_per_msg_goal" in r:
            goals.append("CPU/msg <= %g: %s" % (r["cpu_per_msg_goal"],
                                                 "met" if r["cpu_per_msg_goal_met"] else "NOT MET"))
        if goals:
            line += "   goal " + ", ".join(goals)
        print(line)


def start(description, extra=(), read=None, summary=None):
    """What every bench report starts with: its arguments (the results file,
    --json, --meta KEY=VALUE and the extra (flag, help) options), the runs
    read (read, default parse_runs) and summarized, and the meta as a dict.
    Returns (args, runs, order, meta)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("results")
    ap.add_argument("--json", required=True)
    ap.add_argument("--meta", action="append", default=[], help="KEY=VALUE for the JSON")
    for flag, text in extra:
        ap.add_argument(flag, help=text)
    args = ap.parse_args()
    runs, order = (read or parse_runs)(args.results)
    for b in runs.values():
        (summary or summarize)(b)
    return args, runs, order, dict(m.split("=", 1) for m in args.meta)


def finish(path, doc, ok):
    """Write the JSON document and say where; the exit status (0 when ok)."""
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"\nresults: {path}")
    return 0 if ok else 1


def main():
    args, runs, order, meta = start(__doc__)
    print(f"envoi bench: {meta.get('date', '')}, {meta.get('cpus', '?')} CPUs, smtp-sink on "
          f"127.0.0.1:{meta.get('port', '?')}, medians of {meta.get('reps', '?')} runs")
    for prefix, title in SECTIONS:
        print_section(runs, order, prefix, title)
    ratios = compute_ratios(runs)
    print_ratios(ratios)
    rss = runs.get("rss.envoi_attach", {}).get("median")
    doc = {
        "meta": meta,
        "benchmarks": {i: runs[i] for i in order},
        "ratios": ratios,
        "rss_goal_mib": RSS_GOAL_MIB,
        "rss_goal_met": None if not rss else rss["maxrss_kib"] / 1024 < RSS_GOAL_MIB,
    }
    return finish(args.json, doc, all(b["ok"] for b in runs.values()))


if __name__ == "__main__":
    sys.exit(main())
