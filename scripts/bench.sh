#!/usr/bin/env bash
# Benchmarks side by side (issue 13). NOT part of the test command.
#
#   bash scripts/bench.sh
#
# Builds what it needs in release mode, measures each row and a reference in
# the same run (these machines are noisy: only ratios mean something), and
# prints one Markdown table, also written to target/bench/report.md.
#
# Rows: live audit (issue 9), CLI, bulk credentials (issue 12), UI size,
# start-up, idle memory and .deb size against the empty Tauri app of
# ../shared/bench/baseline-app. The first run builds both apps' release bundles (about
# 10 minutes each on 2 cores); later runs rebuild only what changed.
#
# Knobs: BENCH_RUNS (live-audit runs, default 9), BENCH_LATENCY_MS (default
# 150), BENCH_CLI_ROUNDS (passes over the manifest corpus, default 5),
# BENCH_STARTUP_RUNS (start-ups of each app, default 10), BENCH_BULK_TENANTS
# (tenants of the bulk row, default 500), BENCH_BULK_RATE (its --rate;
# default the CLI's own, 48 a second).
set -euo pipefail

cd "$(dirname "$0")/.."
# Everything the app and its tests need (Xvfb, the keyring, npm, Rust) …
source scripts/setup.sh
# … and what only the benchmarks use.
bench_missing=()
for p in jq time python3; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || bench_missing+=("$p")
done
if [ "${#bench_missing[@]}" -gt 0 ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${bench_missing[@]}" >/dev/null
fi
out=target/bench
mkdir -p "$out"
export BENCH_RUNS="${BENCH_RUNS:-9}"
export BENCH_LATENCY_MS="${BENCH_LATENCY_MS:-150}"
export BENCH_CLI_ROUNDS="${BENCH_CLI_ROUNDS:-5}"
export BENCH_STARTUP_RUNS="${BENCH_STARTUP_RUNS:-10}"

say() { echo "bench: $*" >&2; }

rows=()
# row NAME OURS REFERENCE RATIO GOAL VERDICT
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }
# verdict VALUE LIMIT: "pass" when VALUE <= LIMIT.
verdict() { awk -v v="$1" -v l="$2" 'BEGIN { print (v <= l) ? "pass" : "**fail**" }'; }

# --- Live audit (issue 9): the whole audit vs one Graph GET, same latency.
say "live audit: building (release) and running ${BENCH_RUNS} runs at ${BENCH_LATENCY_MS} ms per request…"
cargo bench -q -p wizard-core --bench live_audit --no-run >&2
live=$(cargo bench -q -p wizard-core --bench live_audit 2>/dev/null | grep '"bench":"live_audit"' | tail -1)
if [ -n "$live" ]; then
    audit_ms=$(jq -r .audit_ms <<<"$live")
    single_ms=$(jq -r .single_request_ms <<<"$live")
    ratio=$(jq -r .ratio <<<"$live")
    row "Live audit (${BENCH_LATENCY_MS} ms on every request, median of ${BENCH_RUNS})" \
        "${audit_ms} ms" "${single_ms} ms (one Graph GET)" "${ratio} ×" "≤ 1.5 ×" "$(verdict "$ratio" 1.5)"
else
    row "Live audit" "—" "—" "—" "≤ 1.5 ×" "**did not run**"
fi

# --- CLI (issue 13, point 4): `check` over the manifest corpus vs `--version`.
say "CLI: building nylas-ms-setup (release)…"
cargo build -q --release -p nylas-ms-setup >&2
say "CLI: ${BENCH_CLI_ROUNDS} passes over the manifest corpus…"
cli=$(python3 - target/release/nylas-ms-setup crates/wizard-core/tests/fixtures/manifests <<'PY'
# Wall time per `check` (one manifest, its own answers) and the peak RSS of
# any one run, against `--version` (process start alone) run as often.
import json, os, subprocess, sys, tempfile, time
from pathlib import Path

exe, corpus = sys.argv[1], Path(sys.argv[2])
rounds = int(os.environ["BENCH_CLI_ROUNDS"])

def args_for(manifest, req):
    a = ["check", "--manifest", str(manifest), "--format", "json",
         "--path", req["path"], "--region", req["region"]]
    if "preset" in req:
        a += ["--preset", req["preset"]]
    if req.get("features"):
        a += ["--features", ",".join(req["features"])]
    for key in ("tenancy", "tenant", "now"):
        if key in req:
            a += [f"--{key}", req[key]]
    for uri in req.get("callback_uris", []):
        a += ["--callback", uri]
    return a

def run(argv):
    start = time.perf_counter()
    code = subprocess.call([exe] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if code not in (0, 1, 2):  # 1: a check failed, 2: not a manifest (the corpus has both)
        sys.exit(f"{' '.join(argv)} exited {code}")
    return time.perf_counter() - start

def peak_rss_kib(argv):
    # Through GNU time: a child forked straight from Python would carry
    # Python's own RSS into its ru_maxrss (Linux keeps the high-water mark
    # across exec), time's is a few hundred KiB.
    with tempfile.NamedTemporaryFile("r") as f:
        subprocess.call(["/usr/bin/time", "-f", "%M", "-o", f.name, exe] + argv,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(f.read().split()[-1])

jobs = []
for expected in sorted(corpus.glob("*.expected.json")):
    manifest = corpus / expected.name.replace(".expected.json", ".json")
    jobs.append(args_for(manifest, json.loads(expected.read_text())["request"]))

check_t, version_t = 0.0, 0.0
for _ in range(rounds):
    for a in jobs:
        check_t += run(a)
        version_t += run(["--version"])
has_time = os.access("/usr/bin/time", os.X_OK)
check_rss = max(peak_rss_kib(a) for a in jobs) if has_time else None
version_rss = peak_rss_kib(["--version"]) if has_time else None
n = rounds * len(jobs)
print(json.dumps({
    "manifests": len(jobs),
    "check_ms": round(check_t / n * 1000, 2),
    "version_ms": round(version_t / n * 1000, 2),
    "check_rss_kib": check_rss,
    "version_rss_kib": version_rss,
}))
PY
)
manifests=$(jq -r .manifests <<<"$cli")
check_ms=$(jq -r .check_ms <<<"$cli")
version_ms=$(jq -r .version_ms <<<"$cli")
cli_ratio=$(awk -v a="$check_ms" -v b="$version_ms" 'BEGIN { printf "%.2f", a / b }')
row "CLI \`check\`, wall time per manifest (${manifests} manifests × ${BENCH_CLI_ROUNDS})" \
    "${check_ms} ms" "${version_ms} ms (\`--version\`)" "${cli_ratio} ×" "—" "measured"
check_rss=$(jq -r .check_rss_kib <<<"$cli")
version_rss=$(jq -r .version_rss_kib <<<"$cli")
if [ "$check_rss" != null ]; then
    rss_ratio=$(awk -v a="$check_rss" -v b="$version_rss" 'BEGIN { printf "%.2f", a / b }')
    row "CLI \`check\`, peak RSS (largest of the corpus, GNU time)" "${check_rss} KiB" \
        "${version_rss} KiB (\`--version\`)" "${rss_ratio} ×" "—" "measured"
else
    row "CLI \`check\`, peak RSS" "—" "—" "—" "—" "skipped: no /usr/bin/time (Debian package \`time\`)"
fi

# --- Bulk credentials (issue 12, path E): `bulk credentials` for generated
# tenants against the sandbox limited as Nylas is (50 requests/s per
# application, 5 % of answers 429 with Retry-After: 1), against the ideal of
# one request each at 50/s; created/duplicated/lost counted in the sandbox.
bulk_n="${BENCH_BULK_TENANTS:-500}"
say "bulk: ${bulk_n} tenants' credentials against the rate-limited sandbox…"
bulk=$(python3 scripts/bench_bulk.py target/release/nylas-ms-setup crates/sandbox/scenarios/bulk-bench.json "$bulk_n")
bulk_wall=$(jq -r .wall_s <<<"$bulk")
bulk_ideal=$(jq -r .ideal_s <<<"$bulk")
bulk_ratio=$(jq -r .ratio <<<"$bulk")
bulk_counts="$(jq -r '"\(.created) created, \(.duplicated) duplicated, \(.lost) lost, \(.answered_429) answers 429"' <<<"$bulk")"
bulk_ok=$(jq -r 'if .duplicated == 0 and .lost == 0 and .exit_code == 0 then "yes" else "no" end' <<<"$bulk")
bulk_verdict=$(verdict "$bulk_ratio" 1.15)
[ "$bulk_ok" = yes ] || bulk_verdict="**fail** (${bulk_counts})"
row "Bulk credentials, ${bulk_n} tenants, sandbox at 50 req/s with 5 % 429 (${bulk_counts})" \
    "${bulk_wall} s" "${bulk_ideal} s (ideal: one request each at 50/s)" "${bulk_ratio} ×" \
    "≤ 1.15 ×, 0 duplicated, 0 lost" "$bulk_verdict"

# --- Size (issue 13, point 3): the UI's JavaScript + CSS, gzipped.
say "UI: npm run build…"
if (cd ui && npm run -s build >&2); then
    ui_bytes=0
    while IFS= read -r -d '' f; do
        ui_bytes=$((ui_bytes + $(gzip -9 -c "$f" | wc -c)))
    done < <(find ui/dist -type f \( -name '*.js' -o -name '*.css' \) -print0)
    ui_kb=$(awk -v b="$ui_bytes" 'BEGIN { printf "%.1f", b / 1024 }')
    row "UI JavaScript + CSS, gzipped (\`ui/dist\`)" "${ui_kb} KB" "150 KB (goal)" \
        "$(awk -v k="$ui_kb" 'BEGIN { printf "%.2f", k / 150 }') ×" "≤ 150 KB" "$(verdict "$ui_kb" 150)"
else
    row "UI JavaScript + CSS, gzipped" "—" "—" "—" "≤ 150 KB" "**build failed**"
fi

# --- Start-up, idle memory, .deb (issue 13, points 1–3): our window against
# the empty Tauri 2 app of ../shared/bench/baseline-app, built and run the
# same way. Tauri's build writes into the app's folder and shared/ may be
# read-only: the baseline is copied under target/ (timestamps kept, so an
# unchanged copy isn't rebuilt).
tauri_cli=(npx --yes @tauri-apps/cli@2.12.5)
say "baseline: building the empty Tauri app and its .deb (release)…"
mkdir -p target/baseline-app
cp -a ../shared/bench/baseline-app/. target/baseline-app/
(cd target/baseline-app && "${tauri_cli[@]}" build --bundles deb >&2)
base_exe=target/baseline-app/target/release/wizard
base_deb=$(ls -t target/baseline-app/target/release/bundle/deb/*.deb | head -1)
say "ours: building the window and its .deb (release; ui/dist was built above)…"
"${tauri_cli[@]}" build --bundles deb --config '{"build":{"beforeBuildCommand":""}}' >&2
our_exe=target/release/nylas-ms-wizard
our_deb=$(ls -t target/release/bundle/deb/*.deb | head -1)

# Both run under Xvfb in a private D-Bus session with an unlocked keyring,
# as on an admin's desktop. Ours starts each time with an empty data folder
# (the welcome screen: a first start).
in_desktop=(xvfb-run -a -s "-screen 0 1280x800x24" bash scripts/with-keyring.sh)
# bench_window.py prints one JSON line last; the desktop's services (the
# accessibility registry) may print their own lines before it.
window_bench() {
    "${in_desktop[@]}" python3 scripts/bench_window.py "$@" | grep -E '^[[{]' | tail -n 1
}
say "start-up: ${BENCH_STARTUP_RUNS} runs of each, taking turns…"
starts=$(window_bench startup "$BENCH_STARTUP_RUNS" -- \
    NYLAS_WIZARD_BENCH_EXIT "$our_exe" --data-dir '{data}' --- BENCH_EXIT "$base_exe")
our_start=$(jq -r '.[0].median_s' <<<"$starts")
base_start=$(jq -r '.[1].median_s' <<<"$starts")
start_ratio=$(awk -v a="$our_start" -v b="$base_start" 'BEGIN { printf "%.2f", a / b }')
row "Start-up to an interactive first screen, Xvfb (median of ${BENCH_STARTUP_RUNS})" \
    "${our_start} s" "${base_start} s (empty Tauri 2 app)" "${start_ratio} ×" "≤ 1.3 ×" "$(verdict "$start_ratio" 1.3)"

# Where our start-up goes (not a row: the page's own moments since main).
say "start-up, ours, by moment: $(window_bench timing 5 -- \
    NYLAS_WIZARD_BENCH_EXIT "$our_exe" --data-dir '{data}')"

say "idle memory: PSS 5 s after ready…"
our_mem=$(window_bench memory NYLAS_WIZARD_BENCH_READY 5 -- "$our_exe" --data-dir '{data}')
base_mem=$(window_bench memory "" 5 -- "$base_exe")
our_pss=$(jq -r .pss_kib <<<"$our_mem")
base_pss=$(jq -r .pss_kib <<<"$base_mem")
mem_ratio=$(awk -v a="$our_pss" -v b="$base_pss" 'BEGIN { printf "%.2f", a / b }')
row "Idle memory, PSS of the app + WebKit processes, 5 s after ready" \
    "$((our_pss / 1024)) MiB" "$((base_pss / 1024)) MiB (empty Tauri 2 app)" "${mem_ratio} ×" "≤ 1.2 ×" "$(verdict "$mem_ratio" 1.2)"
say "memory by process: ours $(jq -c .processes <<<"$our_mem"), baseline $(jq -c .processes <<<"$base_mem")"

our_deb_b=$(stat -c %s "$our_deb")
base_deb_b=$(stat -c %s "$base_deb")
deb_ratio=$(awk -v a="$our_deb_b" -v b="$base_deb_b" 'BEGIN { printf "%.2f", a / b }')
row "\`.deb\` size" "$(awk -v b="$our_deb_b" 'BEGIN { printf "%.1f", b / 1048576 }') MiB" \
    "$(awk -v b="$base_deb_b" 'BEGIN { printf "%.1f", b / 1048576 }') MiB (empty Tauri 2 app)" \
    "${deb_ratio} ×" "≤ 2 ×" "$(verdict "$deb_ratio" 2)"

{
    echo "| row | ours | reference | ratio | goal | result |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores."
} | tee "$out/report.md"
