#!/usr/bin/env bash
# Measures `schema-registry import` between two local servers, beside the reference measured in the same run:
# registering the same versions one by one over HTTP (one keep-alive connection, each request waiting for the
# previous answer, as a producer or a migration script would).
#   1. a source server is filled with SUBJECTS subjects of VERSIONS versions each (default 1,000 x 10 = 10,000
#      versions, each a record one field longer than the previous, so every registration is checked for
#      compatibility); the fill is the reference, in versions per second;
#   2. `import` copies it into an empty server, with the default --parallel and with --parallel 1, ROUNDS times
#      each (a fresh target every time); each prints versions per second and its ratio to the reference.
# The import's time includes reading every version from the source and the final verification of every id.
#
# Usage: scripts/bench-import.sh            (builds the release binary first)
# Environment: SUBJECTS (default 1000), VERSIONS (default 10), ROUNDS (default 2), SCRATCH_PATH (default .build),
#              SKIP_BUILD=1, BENCH_DIR (where the databases go, default a fresh folder under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/wait-for-registry.sh

subjects=${SUBJECTS:-1000}
versions=${VERSIONS:-10}
rounds=${ROUNDS:-2}
scratch=${SCRATCH_PATH:-.build}
for tool in python3 curl; do
    command -v "$tool" >/dev/null || { echo "bench-import: $tool is required" >&2; exit 2; }
done
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    swift build -c release --scratch-path "$scratch" --product schema-registry >&2
fi
binary="$scratch/release/schema-registry"

work=$(mktemp -d "${BENCH_DIR:-/tmp}/bench-import.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

# start_server NAME: starts a server on a fresh database and prints its URL.
start_server() {
    "$binary" serve --listen 127.0.0.1:0 --db "$work/$1.db" --log-level error >"$work/$1.out" 2>"$work/$1.err" &
    pids+=($!)
    wait_for_registry "$work/$1.out" "$work/$1.err"
}

now() { python3 -c 'import time; print(time.monotonic())'; }

source_url=$(start_server source)
total=$((subjects * versions))
echo "filling the source with $total versions ($subjects subjects x $versions), one by one over HTTP..." >&2
reference=$(python3 - "$source_url" "$subjects" "$versions" <<'PY'
import http.client, json, sys, time, urllib.parse
url, subjects, versions = urllib.parse.urlparse(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
connection = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Content-Type": "application/vnd.schemaregistry.v1+json"}
start = time.monotonic()
for version in range(1, versions + 1):
    for subject in range(subjects):
        fields = [{"name": "id", "type": "long"}] + [
            {"name": f"f{k}", "type": "string", "default": ""} for k in range(1, version)]
        schema = {"type": "record", "name": f"Event{subject}", "namespace": "bench", "fields": fields}
        connection.request("POST", f"/subjects/bench-{subject}-value/versions",
                           json.dumps({"schema": json.dumps(schema)}), headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            sys.exit(f"registration failed: {response.status} {body!r}")
elapsed = time.monotonic() - start
print(f"{subjects * versions / elapsed:.1f}")
PY
)
echo "one by one over HTTP (reference): $reference versions/s"

for round in $(seq "$rounds"); do
    for parallel in 8 1; do
        target_url=$(start_server "target-$round-$parallel")
        start=$(now)
        "$binary" import --from "$source_url" --to "$target_url" --parallel "$parallel" >"$work/import.out" 2>"$work/import.err" || {
            cat "$work/import.out" "$work/import.err" >&2
            exit 1
        }
        end=$(now)
        grep -q "every copied id answers the same schema" "$work/import.out" || { cat "$work/import.out" >&2; exit 1; }
        python3 - "$total" "$start" "$end" "$reference" "$parallel" "$round" <<'PY'
import sys
total, start, end, reference, parallel, round = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
rate = total / (end - start)
print(f"round {round}: import --parallel {parallel}: {total} versions in {end - start:.2f} s = {rate:.1f} versions/s, "
      f"{rate / reference:.2f}x registering one by one")
PY
    done
done
