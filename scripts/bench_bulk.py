#!/usr/bin/env python3
"""Bulk credentials benchmark (issue 12, path E), run by scripts/bench.sh.

  bench_bulk.py EXE SCENARIO [TENANTS]

Starts `EXE sandbox --scenario SCENARIO` (one Nylas application with a
Microsoft connector, limited to 50 requests/s per application, 5 % of
answers 429 with Retry-After: 1), generates TENANTS (default 500) tenants,
times `EXE bulk credentials` for them, and counts from the sandbox what it
holds afterwards (its `_sandbox` control API): created (tenants with a
credential), duplicated (extra credentials for a tenant) and lost (tenants
without one), and how many answers its rate limit made 429. The ideal is
TENANTS / 50 s (one request each at Nylas's limit). Prints one JSON line.
"""
import json, os, re, subprocess, sys, tempfile, time, urllib.error, urllib.request
from collections import Counter
from pathlib import Path

exe, scenario_path = sys.argv[1], Path(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 500
scenario = json.loads(scenario_path.read_text())
app = scenario["nylas_applications"][0]
api_key = app["api_keys"][0]
prefix = "nylas-us" if app["region"] == "us" else "nylas-eu"
limit = scenario.get("nylas_rate_limit", {}).get("requests_per_second", 50)


def get(url, key=None):
    """GET with the key, waiting out the sandbox's own 429s."""
    while True:
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            time.sleep(float(e.headers.get("Retry-After", "1")))


sandbox = subprocess.Popen([exe, "sandbox", "--scenario", str(scenario_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
try:
    line = sandbox.stdout.readline()
    m = re.match(r"Sandbox listening on (\S+)", line)
    if not m:
        sys.exit(f"the sandbox did not start: {line!r}")
    base = m.group(1)
    with tempfile.TemporaryDirectory() as tmp:
        tenants = Path(tmp, "tenants.csv")
        tenants.write_text("tenant,name\n" + "".join(
            f"bench{i:04}.onmicrosoft.com,Bench tenant {i}\n" for i in range(n)))
        env = dict(os.environ, NYLAS_API_KEY=api_key, HOME=tmp, XDG_DATA_HOME=tmp)
        env.pop("AZURE_CLIENT_SECRET", None)
        argv = [exe, "bulk", "credentials", "--tenants", str(tenants), "--region", app["region"],
                "--nylas-base", f"{base}{prefix}/", "--journal", str(Path(tmp, "journal.jsonl")),
                "--format", "json"]
        if os.environ.get("BENCH_BULK_RATE"):  # the CLI's --rate (default: its own, 48)
            argv += ["--rate", os.environ["BENCH_BULK_RATE"]]
        start = time.perf_counter()
        run = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, timeout=600)
        wall = time.perf_counter() - start
    summary = json.loads(run.stdout)["summary"] if run.stdout.strip() else {}
    # The run's requests, before the reads below add to them.
    calls = get(f"{base}_sandbox/calls")
    # What the sandbox holds and what its rate limit did, from its control API.
    held = get(f"{base}_sandbox/nylas")[0]["credentials"]
    per_tenant = Counter(c["tenant"] for c in held if c.get("tenant"))
    wanted = {f"bench{i:04}.onmicrosoft.com" for i in range(n)}
    rate = get(f"{base}_sandbox/rate-limit")["counts"]
    ideal = n / limit
    print(json.dumps({
        "tenants": n,
        "exit_code": run.returncode,
        "wall_s": round(wall, 2),
        "ideal_s": round(ideal, 2),
        "ratio": round(wall / ideal, 2),
        "created": sum(1 for t in wanted if per_tenant[t] > 0),
        "duplicated": sum(c - 1 for c in per_tenant.values() if c > 1),
        "lost": sum(1 for t in wanted if per_tenant[t] == 0),
        "cli_created": summary.get("created"),
        "cli_failed": summary.get("failed"),
        "posts": calls.get(f"POST /{prefix}/v3/connectors/microsoft/creds", 0),
        "requests": sum(v for k, v in calls.items() if f" /{prefix}/v3/" in k),
        "answered_429": rate.get("limited", 0) + rate.get("extra_429", 0),
        "rate_limit": rate,
    }))
finally:
    sandbox.terminate()
    sandbox.wait(timeout=10)
