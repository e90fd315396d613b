#!/usr/bin/env bash
# Checks that the server's memory stays flat under a long mixed load: drives 1,000,000 requests of the
# mix in scripts/bench-memory.lua (schema by id, latest version, version list, schema lookup,
# compatibility check, idempotent re-registration, subject list, unknown route) and compares the
# server's VmRSS after the first 100,000 requests with its VmRSS after 1,000,000.
# Nothing in the mix creates data, so the RSS should not grow (target: growth <= 10%).
#
# Prints: requests=N rss_after_100k=X KiB rss_after_1m=Y KiB growth=Z%
# and exits 1 if growth > 10% or any answer was not the expected one (2xx, or 404 for the unknown route).
#
# Usage: scripts/bench-memory.sh            (uses an existing release build; run scripts/bench-server.sh
#                                             or `swift build -c release` first)
# Environment: SCRATCH_PATH (SwiftPM scratch path, default .build), BINARY (server binary, default
#              $SCRATCH_PATH/release/schema-registry), THREADS (server threads, default: the server's own),
#              WARMUP (requests before the first sample, default 100000), TOTAL (default 1000000),
#              MAX_GROWTH (percent, default 10), CONNECTIONS (wrk connections, default 16),
#              BENCH_DIR (where the database goes, default a fresh folder under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/wait-for-registry.sh

scratch=${SCRATCH_PATH:-.build}
binary=${BINARY:-$scratch/release/schema-registry}
warmup=${WARMUP:-100000}
total=${TOTAL:-1000000}
max_growth=${MAX_GROWTH:-10}
connections=${CONNECTIONS:-16}
for tool in wrk python3 curl; do
    command -v "$tool" >/dev/null || { echo "bench-memory: $tool is required" >&2; exit 2; }
done
[ -x "$binary" ] || { echo "bench-memory: no server binary at $binary (build with swift build -c release)" >&2; exit 2; }

work=$(mktemp -d "${BENCH_DIR:-/tmp}/bench-memory.XXXXXX")
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

thread_args=()
[ -n "${THREADS:-}" ] && thread_args=(--threads "$THREADS")
"$binary" serve --listen 127.0.0.1:0 --db "$work/registry.db" "${thread_args[@]}" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
url=$(wait_for_registry "$work/server.out" "$work/server.err")

# Three subjects with five backward-compatible versions each (every version adds an optional field).
# The bodies and ids go to a Lua file that the wrk script loads.
python3 - "$url" "$work/data.lua" <<'PY'
import json, sys, urllib.error, urllib.request
url, out = sys.argv[1], sys.argv[2]
subjects = ["orders-value", "customers-value", "payments-value"]
ids, bodies = [], {}
for subject in subjects:
    bodies[subject] = []
    fields = [{"name": "id", "type": "long"}, {"name": "name", "type": "string"}]
    for version in range(1, 6):
        if version > 1:
            fields.append({"name": f"extra{version}", "type": ["null", "string"], "default": None})
        schema = {"type": "record", "name": subject.replace("-", "_"), "namespace": "com.example.bench",
                  "fields": list(fields)}
        body = json.dumps({"schema": json.dumps(schema)})
        request = urllib.request.Request(f"{url}/subjects/{subject}/versions", data=body.encode(), method="POST",
                                         headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
        with urllib.request.urlopen(request) as response:
            ids.append(json.load(response)["id"])
        bodies[subject].append(body)
# One request of each kind in the mix, checked by content, so that the load below exercises real work.
def call(method, path, body=None):
    request = urllib.request.Request(url + path, data=body.encode() if body else None, method=method,
                                     headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
subject, body = subjects[1], bodies[subjects[1]][2]
checks = [
    (call("GET", f"/schemas/ids/{ids[0]}"), lambda s, j: s == 200 and "schema" in j),
    (call("GET", f"/subjects/{subject}/versions/latest"), lambda s, j: s == 200 and j["version"] == 5),
    (call("GET", f"/subjects/{subject}/versions"), lambda s, j: s == 200 and j == [1, 2, 3, 4, 5]),
    (call("POST", f"/subjects/{subject}", body), lambda s, j: s == 200 and j["version"] == 3 and j["id"] == ids[7]),
    (call("POST", f"/compatibility/subjects/{subject}/versions/latest", body),
     lambda s, j: s == 200 and j["is_compatible"] is True),
    (call("POST", f"/subjects/{subject}/versions", body), lambda s, j: s == 200 and j["id"] == ids[7]),
    (call("GET", "/subjects"), lambda s, j: s == 200 and sorted(j) == sorted(subjects)),
    (call("GET", "/no-such-route/1"), lambda s, j: s == 404 and j["error_code"] == 404),
]
for (status, answer), check in checks:
    if not check(status, answer):
        sys.exit(f"bench-memory: unexpected answer before the load: {status} {answer}")
def lua(s):
    assert "]==]" not in s
    return "[==[" + s + "]==]"
with open(out, "w") as f:
    f.write("subjects = {" + ", ".join(lua(s) for s in subjects) + "}\n")
    f.write("ids = {" + ", ".join(str(i) for i in ids) + "}\n")
    f.write("bodies = {}\n")
    for subject in subjects:
        f.write(f"bodies[ {lua(subject)} ] = {{" + ", ".join(lua(b) for b in bodies[subject]) + "}\n")
PY

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status"; }
done_requests=0
not_found=0
unexpected=0
socket_errors=0
rate=""
phase=0
# Runs wrk for about as long as it takes to reach $1 requests in all (at least one second), then adds
# up its counts. The first run lasts 2 seconds; each later run is sized by the rate of the one before.
run_until() {
    local target=$1 seconds out
    while [ "$done_requests" -lt "$target" ]; do
        if [ -z "$rate" ]; then
            seconds=2
        else
            seconds=$(python3 -c 'import math,sys; print(max(1, min(15, math.ceil((int(sys.argv[1]) - int(sys.argv[2])) / float(sys.argv[3])))))' \
                "$target" "$done_requests" "$rate")
        fi
        phase=$((phase + 1))
        out="$work/wrk-$phase.txt"
        wrk -t2 -c"$connections" -d"${seconds}s" --timeout 5s -s scripts/bench-memory.lua "$url" -- "$work/data.lua" >"$out"
        local count
        count=$(awk '/ requests in / { print $1 }' "$out")
        [ -n "$count" ] || { echo "bench-memory: could not read wrk's output" >&2; cat "$out" >&2; exit 1; }
        done_requests=$((done_requests + count))
        not_found=$((not_found + $(sed -n 's/^bench-memory: unknown_route_404=\([0-9]*\) .*/\1/p' "$out")))
        unexpected=$((unexpected + $(sed -n 's/^bench-memory: .*unexpected=\([0-9]*\)$/\1/p' "$out")))
        socket_errors=$((socket_errors + $(awk '/Socket errors:/ { n = 0; for (i = 3; i <= NF; i += 2) n += $(i + 1) + 0; print n }' "$out" | tail -1) + 0))
        grep '^bench-memory: first unexpected' "$out" >&2 || true
        rate=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
        echo "bench-memory: phase $phase: ${seconds}s, $count requests ($(awk '/^Requests\/sec:/ { print $2 }' "$out")/s), total $done_requests, VmRSS $(rss_kib) KiB" >&2
    done
}

run_until "$warmup"
rss_first=$(rss_kib)
requests_first=$done_requests
run_until "$total"
rss_last=$(rss_kib)
kill -0 "$server_pid" 2>/dev/null || { echo "bench-memory: the server died" >&2; cat "$work/server.err" >&2; exit 1; }
# The mix must not have created anything: still three subjects of five versions each.
for subject in orders-value customers-value payments-value; do
    versions=$(curl -sf "$url/subjects/$subject/versions")
    [ "$versions" = "[1,2,3,4,5]" ] || { echo "bench-memory: $subject has versions $versions after the load" >&2; exit 1; }
done

python3 - "$done_requests" "$rss_first" "$rss_last" "$max_growth" "$not_found" "$unexpected" "$socket_errors" \
    "$requests_first" <<'PY'
import sys
requests, first, last, max_growth, not_found, unexpected, socket_errors, requests_first = map(int, sys.argv[1:])
growth = (last - first) * 100.0 / first
print(f"requests={requests} rss_after_100k={first} KiB rss_after_1m={last} KiB growth={growth:.1f}%")
print(f"bench-memory: first sample after {requests_first} requests; {not_found} intended 404s (unknown route), "
      f"{unexpected} unexpected answers, {socket_errors} socket errors", file=sys.stderr)
ok = True
if growth > max_growth:
    print(f"bench-memory: RSS grew by {growth:.1f}% (limit {max_growth}%)", file=sys.stderr)
    ok = False
if unexpected or socket_errors:
    print("bench-memory: some answers were not the expected ones", file=sys.stderr)
    ok = False
# One request in eight goes to the unknown route; only the requests in flight when wrk stops can make a difference.
if abs(not_found * 8 - requests) > requests // 100:
    print(f"bench-memory: {not_found} unknown-route 404s do not match 1/8 of {requests} requests", file=sys.stderr)
    ok = False
sys.exit(0 if ok else 1)
PY
