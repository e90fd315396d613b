#!/usr/bin/env bash
# Measures registry nodes sharing one PostgreSQL database (durable settings: fsync and synchronous_commit on),
# each figure beside a reference measured in the same run:
#   - registrations per second of distinct compatible schemas, 1 node and 3 nodes, 18 connections in all (wrk),
#     against PostgreSQL's own rate of single-row commits from as many clients (pgbench, one INSERT per commit);
#   - GET /schemas/ids/{id} on a cluster node against nginx serving the same bytes (wrk, 32 connections);
#   - how long a registration acknowledged by one node takes to show on another (GET .../versions/latest polled
#     in a tight loop), p50 / p99 / max over SAMPLES registrations.
#
# Usage: scripts/bench-cluster.sh          (builds the release binary first)
# Environment: DURATION (seconds per wrk/pgbench run, default 10), SAMPLES (visibility samples, default 300),
#              SCRATCH_PATH (default .build), SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/wait-for-registry.sh
source scripts/lib/nginx.sh

duration=${DURATION:-10}
samples=${SAMPLES:-300}
scratch=${SCRATCH_PATH:-.build}
for tool in wrk nginx python3 curl; do
    command -v "$tool" >/dev/null || { echo "bench-cluster: $tool is required" >&2; exit 2; }
done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pg_bin/initdb" ] || { echo "bench-cluster: PostgreSQL server programs are required (scripts/setup.sh)" >&2; exit 2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    swift build -c release --scratch-path "$scratch" --product schema-registry >&2
fi
binary="$scratch/release/schema-registry"

work=$(mktemp -d /tmp/bench-cluster.XXXXXX)
chmod 755 "$work"
as_owner=()
if [ "$(id -u)" = 0 ]; then as_owner=(runuser -u postgres --); chown postgres "$work"; fi
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
    "${as_owner[@]}" "$pg_bin/pg_ctl" stop -D "$work/pg" -m immediate >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- PostgreSQL, durable ------------------------------------------------------------------------
pg_port=$(free_port)
"${as_owner[@]}" "$pg_bin/initdb" -D "$work/pg" -U registry --auth trust --encoding UTF8 --locale C >/dev/null
"${as_owner[@]}" "$pg_bin/pg_ctl" start -D "$work/pg" -l "$work/pg.log" -w \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
psql() { "$pg_bin/psql" -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U registry "$@"; }
new_database() { # name -> prints the URI
    psql -d postgres -c "CREATE DATABASE $1" >/dev/null
    echo "postgresql://registry@127.0.0.1:$pg_port/$1"
}
nodes=0
start_node() { # uri -> sets node_url (not in a subshell, so that the node's pid is kept for stopping it)
    nodes=$((nodes + 1))
    "$binary" serve --listen 127.0.0.1:0 --db "$1" >"$work/node$nodes.out" 2>"$work/node$nodes.err" &
    pids+=($!)
    node_url=$(wait_for_registry "$work/node$nodes.out" "$work/node$nodes.err")
}
stop_nodes() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    pids=()
}

requests_per_second() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
non_2xx() { awk '/Non-2xx or 3xx responses:/ { print $5 }' "$1"; }

echo "bench-cluster: ${duration}s per run, $(nproc) CPUs shared by the nodes, PostgreSQL, wrk and pgbench" >&2

# --- reference: PostgreSQL's single-row commit rate ---------------------------------------------
psql -d postgres -c "CREATE TABLE commits (id BIGSERIAL PRIMARY KEY, body TEXT)" >/dev/null
echo "INSERT INTO commits (body) VALUES (repeat('x', 300));" >"$work/commit.sql"
"$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U registry -n -c 18 -j 2 -T "$duration" -f "$work/commit.sql" postgres \
    >"$work/pgbench.txt" 2>&1
pg_commits=$(awk '/^tps = / { print $3 }' "$work/pgbench.txt")

# --- registrations (scripts/lib/register.lua, a subject per wrk thread): one node, then three ----------------
start_node "$(new_database one_node)"
url=$node_url
wrk -t2 -c18 -d"${duration}s" -s scripts/lib/register.lua "$url" -- "bench-a%t-value" a >"$work/one.txt"
one_node=$(requests_per_second "$work/one.txt")
one_failed=$(non_2xx "$work/one.txt")
stop_nodes

uri=$(new_database three_nodes)
urls=()
for n in 0 1 2; do
    start_node "$uri"
    urls+=("$node_url")
done
load=()
for n in 0 1 2; do
    wrk -t1 -c6 -d"${duration}s" -s scripts/lib/register.lua "${urls[$n]}" -- "bench-n$n%t-value" "n$n" >"$work/three-$n.txt" &
    load+=($!)
done
wait "${load[@]}"
three_nodes=$(python3 -c 'import sys; print(sum(float(x) for x in sys.argv[1:]))' \
    $(for n in 0 1 2; do requests_per_second "$work/three-$n.txt"; done))
three_failed=$(python3 -c 'import sys; print(sum(int(x or 0) for x in sys.argv[1:]))' \
    "$(non_2xx "$work/three-0.txt")" "$(non_2xx "$work/three-1.txt")" "$(non_2xx "$work/three-2.txt")")
# Every node must hold the same versions afterwards.
sleep 1
for n in 0 1 2; do curl -sf "${urls[$n]}/schemas?deleted=true" | python3 -c 'import json,sys,hashlib; print(hashlib.sha256(json.dumps(json.load(sys.stdin),sort_keys=True).encode()).hexdigest())'; done \
    | sort -u | wc -l >"$work/distinct-views.txt"

# --- visibility between nodes -------------------------------------------------------------------
python3 - "${urls[0]}" "${urls[1]}" "$samples" >"$work/visibility.txt" <<'PY'
import http.client, json, sys, time, urllib.parse
writer, reader, samples = urllib.parse.urlparse(sys.argv[1]), urllib.parse.urlparse(sys.argv[2]), int(sys.argv[3])
w = http.client.HTTPConnection(writer.hostname, writer.port)
r = http.client.HTTPConnection(reader.hostname, reader.port)
headers = {"Content-Type": "application/vnd.schemaregistry.v1+json"}
delays = []
for i in range(samples):
    schema = {"type": "record", "name": "Seen", "fields": [{"name": f"v{i}", "type": "int"}]}
    w.request("POST", "/subjects/visibility-%d/versions" % i, json.dumps({"schema": json.dumps(schema)}), headers)
    answer = w.getresponse(); answer.read()
    assert answer.status == 200, answer.status
    acknowledged = time.perf_counter()
    while True:
        r.request("GET", "/subjects/visibility-%d/versions/latest" % i)
        seen = r.getresponse(); seen.read()
        if seen.status == 200:
            break
    delays.append((time.perf_counter() - acknowledged) * 1000)
delays.sort()
print("%.2f %.2f %.2f" % (delays[len(delays) // 2], delays[int(len(delays) * 0.99) - 1], delays[-1]))
PY
read -r vis_p50 vis_p99 vis_max <"$work/visibility.txt"

# --- reads by id on a cluster node against nginx ----------------------------------------------------
id=$(curl -sf "${urls[0]}/subjects/bench-n01-value/versions/latest" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
mkdir -p "$work/www/schemas/ids" "$work/nginx"
curl -sf "${urls[1]}/schemas/ids/$id" >"$work/www/schemas/ids/$id"
chmod -R a+rX "$work/www"
nginx_port=$(free_port)
write_nginx_conf "$work/nginx" "$nginx_port" "$(nproc)" "$work/www"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port/schemas/ids/$id" >/dev/null 2>&1 && break; sleep 0.05; done
# The other nodes stay up but idle.
wrk -t2 -c32 -d"${duration}s" "${urls[1]}/schemas/ids/$id" >"$work/ours-read.txt"
wrk -t2 -c32 -d"${duration}s" "http://127.0.0.1:$nginx_port/schemas/ids/$id" >"$work/nginx-read.txt"
ours_read=$(requests_per_second "$work/ours-read.txt")
nginx_read=$(requests_per_second "$work/nginx-read.txt")

python3 - "$pg_commits" "$one_node" "$three_nodes" "${one_failed:-0}" "$three_failed" "$(cat "$work/distinct-views.txt")" \
    "$vis_p50" "$vis_p99" "$vis_max" "$samples" "$ours_read" "$nginx_read" <<'PY'
import sys
pg, one, three = map(float, sys.argv[1:4])
one_failed, three_failed, views = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
p50, p99, worst, samples = float(sys.argv[7]), float(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10])
ours_read, nginx_read = float(sys.argv[11]), float(sys.argv[12])
print(f"PostgreSQL single-row commits (pgbench, 18 clients): {pg:,.0f}/s")
print(f"registrations, 1 node (18 connections):  {one:,.0f}/s = {one / pg:.2f} x PostgreSQL's commit rate ({one_failed} failed)")
print(f"registrations, 3 nodes (18 connections): {three:,.0f}/s = {three / pg:.2f} x PostgreSQL's commit rate, "
      f"{three / one:.2f} x one node ({three_failed} failed; nodes agreeing afterwards: {'yes' if views == 1 else 'NO'})")
print(f"visibility on another node after an acknowledged registration: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms ({samples} samples)")
print(f"GET /schemas/ids/{{id}} on a cluster node: {ours_read:,.0f}/s = {ours_read / nginx_read:.2f} x nginx ({nginx_read:,.0f}/s)")
PY
