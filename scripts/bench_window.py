#!/usr/bin/env python3
"""Start-up and idle memory of a desktop app (issue 13), run under Xvfb by
scripts/bench.sh for our app and the empty Tauri baseline alike.

  bench_window.py startup RUNS -- EXIT_ENV EXE [ARGS...] --- EXIT_ENV EXE [ARGS...]
      for each app, the median wall time from spawn to exit, where EXIT_ENV=1
      makes it exit as soon as its first screen is interactive; the apps take
      turns, run by run, so a noisy moment hits both.
  bench_window.py memory READY_ENV SETTLE_S -- EXE [ARGS...]
      waits for the app to print READY (READY_ENV=1 asks for it; empty = it
      always does), lets it settle, then sums the proportional set size (PSS,
      /proc/PID/smaps_rollup) over the app and every process it started (the
      WebKit web and network processes).

  bench_window.py timing RUNS -- EXIT_ENV EXE [ARGS...]
      our app only: with NYLAS_WIZARD_BENCH_TIMING=1 it prints, before
      exiting, the page's moments (navigation, script, session loaded,
      rendered, ready) in ms since `main`; the median of each over RUNS says
      where start-up time goes, next to the spawn → exit wall time.

A `{data}` in ARGS becomes a fresh empty folder per run. Prints one JSON line.
"""
import json, os, signal, statistics, subprocess, sys, tempfile, time
from pathlib import Path


def split_argv(argv):
    i = argv.index("--")
    return argv[:i], argv[i + 1:]


def with_data(cmd, tmp):
    return [a.replace("{data}", tmp) for a in cmd]


def one_start(exit_env, cmd):
    env = dict(os.environ, **{exit_env: "1"})
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        p = subprocess.run(with_data(cmd, tmp), env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=120)
        took = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} exited {p.returncode} instead of 0 on ready")
    return took


def startup(opts, cmd):
    runs = int(opts[0])
    i = cmd.index("---")
    apps = [cmd[:i], cmd[i + 1:]]
    times = [[], []]
    for _ in range(runs):
        for k, app in enumerate(apps):
            times[k].append(one_start(app[0], app[1:]))
    return [{"median_s": round(statistics.median(t), 3), "runs_s": [round(x, 3) for x in t]} for t in times]


def children():
    kids = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: ppid follows the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d.name))
    return kids


def tree(pid):
    kids, out, todo = children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def pss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory(opts, cmd):
    ready_env, settle = opts[0], float(opts[1])
    env = dict(os.environ, **({ready_env: "1"} if ready_env else {}))
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.Popen(with_data(cmd, tmp), env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            for line in p.stdout:
                if line.strip() == "READY":
                    break
                if time.monotonic() > deadline:
                    sys.exit("no READY within 120 s")
            else:
                sys.exit(f"{cmd[0]} ended before READY")
            time.sleep(settle)  # a benchmark's settling time, not a test's synchronisation
            pids = tree(p.pid)
            per = {pid: pss_kib(pid) for pid in pids}
            names = {}
            for pid in pids:
                try:
                    names[pid] = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    names[pid] = "?"
            return {"pss_kib": sum(per.values()), "processes": [f"{names[k]}:{v}" for k, v in per.items() if v]}
        finally:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def timing(opts, cmd):
    runs, exit_env = int(opts[0]), cmd[0]
    marks, walls = {}, []
    env = dict(os.environ, **{exit_env: "1", "NYLAS_WIZARD_BENCH_TIMING": "1"})
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            p = subprocess.run(with_data(cmd[1:], tmp), env=env, capture_output=True,
                               text=True, timeout=120)
            walls.append((time.perf_counter() - start) * 1000)
        if p.returncode != 0:
            sys.exit(f"{cmd[1]} exited {p.returncode} instead of 0 on ready")
        line = next((l for l in p.stdout.splitlines() if l.startswith("TIMING ")), None)
        if line is None:
            sys.exit("no TIMING line: is this build older than the timing hook?")
        for name, ms in json.loads(line[len("TIMING "):])["since_main_ms"]:
            marks.setdefault(name, []).append(ms)
    out = {name: round(statistics.median(v), 1) for name, v in marks.items()}
    return {"median_ms_since_main": dict(sorted(out.items(), key=lambda kv: kv[1])),
            "spawn_to_exit_ms": round(statistics.median(walls), 1)}


if __name__ == "__main__":
    mode, rest = sys.argv[1], sys.argv[2:]
    opts, cmd = split_argv(rest)
    print(json.dumps({"startup": startup, "memory": memory, "timing": timing}[mode](opts, cmd)))
