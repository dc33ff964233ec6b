#!/usr/bin/python3
"""Turn bench/spool_run's raw results into the printed table, the ratios
against the goals and spool_results.json (the same format as report.py's)."""
import sys

import report

SECTIONS = [
    ("fsync", "0. the disk's sync rate (writes made durable one after another)"),
    ("submit", "1. durable submissions"),
    ("e2e", "2. end to end: submitted to envoid and delivered to smtp-sink, or sent directly"),
]


def rate(runs, rid):
    m = runs.get(rid, {}).get("median")
    return m["msgs_per_s"] if m else None


def best(runs, ids):
    """The fastest of several runs (by median) and its id."""
    rated = [(rate(runs, i), i) for i in ids if rate(runs, i)]
    return max(rated) if rated else (None, None)


def ratio(name, num, den, goal=None, strict=False, note=""):
    """num and den are (rate, id) pairs."""
    value = num[0] / den[0] if num[0] and den[0] else None
    r = {"name": name, "envoi": num[1], "peer": den[1], "msgs_per_s": value, "goal": goal is not None}
    if note:
        r["note"] = note
    if goal is not None:
        r["msgs_per_s_goal"] = goal
        r["goal_strict"] = strict
        r["msgs_per_s_goal_met"] = value is not None and (value > goal if strict else value >= goal)
    return r


def compute(runs, workers):
    one = lambda i: (rate(runs, i), i)  # noqa: E731
    envoi_par = best(runs, ["submit.lib_par", "submit.http_par"])
    envoi_1 = best(runs, ["submit.lib_1", "submit.http_1"])
    sendmail = best(runs, ["submit.sendmail_1", "submit.sendmail_par"])
    nullmailer = best(runs, ["submit.nullmailer_1", "submit.nullmailer_par"])
    return [
        ratio("envoi (best of library, HTTP; many) / Postfix sendmail (best)", envoi_par, sendmail,
              10.0),
        ratio("envoi library, many threads / the disk's syncs per second",
              one("submit.lib_par"), one("fsync.disk"), 1.0, strict=True),
        ratio("envoid HTTP, many connections / the disk's syncs per second",
              one("submit.http_par"), one("fsync.disk")),
        ratio("envoi (best; many) / nullmailer-inject (best)", envoi_par, nullmailer),
        ratio("envoi (best; one at a time) / Postfix sendmail, one at a time", envoi_1,
              one("submit.sendmail_1")),
        ratio("envoid HTTP / envoi library, many", one("submit.http_par"),
              one("submit.lib_par")),
        ratio("envoid HTTP / envoi library, one at a time", one("submit.http_1"),
              one("submit.lib_1")),
        ratio("end to end: envoid 1 worker, HTTP / direct, 1 connection", one("e2e.envoid_1"),
              one("e2e.direct_1"), 0.8),
        ratio("end to end: envoid 1 worker, library / direct, 1 connection",
              one("e2e.envoid_lib_1"), one("e2e.direct_1"), 0.8),
        ratio("end to end: envoid 1 worker / envoi send, one process per message",
              one("e2e.envoid_1"), one("e2e.direct_cli")),
        ratio("end to end: envoid 1 worker, DKIM ed25519 at delivery / unsigned",
              one("e2e.envoid_dkim_ed25519"), one("e2e.envoid_1")),
        ratio("end to end: envoid 1 worker, DKIM rsa-2048 at delivery / unsigned",
              one("e2e.envoid_dkim_rsa"), one("e2e.envoid_1")),
    ] + ([ratio(f"end to end: envoid {workers} workers / direct, {workers} connections",
                one(f"e2e.envoid_{workers}"), one(f"e2e.direct_{workers}"))]
         if workers != "1" else [])


def print_table(runs, order, prefix, title):
    ids = [i for i in order if i.startswith(prefix + ".")]
    if not ids:
        return
    print(f"\n{title}")
    print(f"  {'':<54} {'per s':>9} {'CPU ms/msg':>11}   runs (per s)")
    for i in ids:
        b = runs[i]
        m = b["median"]
        every = " ".join(report.fmt(r.get("msgs_per_s"), ".0f") if report.ok(r) else "fail"
                         for r in b["runs"])
        if m is None:
            print(f"  {b['label']:<54} {'FAILED':>9} {'':>11}   {b['error']}")
            continue
        cpu = m.get("cpu_ms_per_msg")
        print(f"  {b['label']:<54} {m['msgs_per_s']:>9.0f} {report.fmt(cpu, '.4f'):>11}   {every}")
        extra = [r for r in b["runs"] if "commits" in r and report.ok(r)]
        if extra:
            per = [r["sent"] / r["commits"] for r in extra if r.get("commits")]
            if per:
                print(f"  {'':<54} {'':>9} {'':>11}   "
                      f"{sum(per) / len(per):.1f} submissions per commit")


def print_ratios(ratios):
    print("\nratios (medians; above 1 favours envoi)")
    for r in ratios:
        line = f"  {r['name']:<66} {report.fmt(r['msgs_per_s'], '.2f'):>7}"
        if "msgs_per_s_goal" in r:
            op = ">" if r["goal_strict"] else ">="
            line += "   goal %s %g: %s" % (op, r["msgs_per_s_goal"],
                                           "met" if r["msgs_per_s_goal_met"] else "NOT MET")
        print(line)


def main():
    args, runs, order, meta = report.start(__doc__)
    print(f"\nenvoi spool bench: {meta.get('date', '')}, {meta.get('cpus', '?')} CPUs, "
          f"{meta.get('filesystem', '?')}, messages of {meta.get('message_bytes', '?')} bytes; "
          f"{meta.get('messages', '?')} submissions per run ({meta.get('slow_messages', '?')} "
          f"for sendmail and nullmailer), many = {meta.get('parallel', '?')}; end to end "
          f"{meta.get('e2e_messages', '?')} over {meta.get('e2e_conns', '?')} connections; medians of {meta.get('reps', '?')} runs")
    for prefix, title in SECTIONS:
        print_table(runs, order, prefix, title)
    # The ratios of a section not run (ENVOI_BENCH_SPOOL_SECTIONS) are left out; a goal
    # whose runs failed stays, as not met.
    sections = meta.get("sections", "submit e2e").split()
    in_run = lambda r: ("e2e" if r["name"].startswith("end to end") else "submit") in sections  # noqa: E731
    ratios = [r for r in compute(runs, meta.get("workers", "4"))
              if in_run(r) and (r["msgs_per_s"] is not None or r["goal"])]
    print_ratios(ratios)
    doc = {"meta": meta, "benchmarks": {i: runs[i] for i in order}, "ratios": ratios}
    return report.finish(args.json, doc, runs and all(b["ok"] for b in runs.values()))


if __name__ == "__main__":
    sys.exit(main())
