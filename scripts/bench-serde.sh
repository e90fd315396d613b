#!/usr/bin/env bash
# Benchmarks serialize + deserialize with warm caches, in one run. On bench.Trade, a 10-field record
# (strings, longs, doubles, an enum, an array, a nullable union):
#   ours      AvroSerializer + AvroDeserializer on AvroValue (the generic path: wire format, registry caches, libavro body)
#   codec     AvroCodec alone (AvroValue <-> Avro body, no framing or registry)
#   libavro   libavro's generic value API alone on the same record (the floor of the generic path's overhead)
#   typed     AvroSerializer + AvroDeserializer on a Codable struct (the typed path, streamed through libavro's
#             binary encoding); printed as `typed_ops N` on a line of its own for other scripts; also the
#             same struct through AvroValueEncoder/AvroValueDecoder and the AvroValue path (`typed_via_value_ops`)
#   java      Apache Avro Java 1.12.1 GenericDatumWriter/GenericDatumReader behind the 5-byte header
#             (/work/shared/tools/avro-java/serde-bench.sh), what Confluent's Java serializers run underneath
#   python    confluent-kafka-python's AvroSerializer + AvroDeserializer with a mock:// registry
# and the typed path against Java (scripts/java/SerdeRecordsBench.java, same jars) on bench.Small (3 fields)
# and bench.Large (50 fields: nested records, a map, unions, logical types) too, round trip and each
# direction alone. Prints ratios of operations per second of CPU time (so that a shared machine's changing
# load does not skew one case against another; Java counts its benchmark thread's).
# Java 17 and /work/shared/tools/avro-java are needed (its avro_jars.sh fetches the jars once, ~450 MB). Release build; our side talks to a real
# `schema-registry serve` on a free port. SCRATCH_PATH selects the build folder (default .build);
# SECONDS_PER_CASE the CPU time per case (default 3); SWIFT_BUILD_FLAGS extra flags for `swift build`
# (e.g. "-Xswiftc -g" to profile the same binary).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/wait-for-registry.sh
scratch="${SCRATCH_PATH:-.build}"
seconds="${SECONDS_PER_CASE:-3}"
read -r -a build_flags <<<"${SWIFT_BUILD_FLAGS:-}"
swift build -c release --scratch-path "$scratch" ${build_flags[@]+"${build_flags[@]}"} --product serde-benchmark >/dev/null
# REGISTRY_BINARY runs an already built `schema-registry` (the registry is only used while warming up).
registry="${REGISTRY_BINARY:-}"
if [ -z "$registry" ]; then
    swift build -c release --scratch-path "$scratch" ${build_flags[@]+"${build_flags[@]}"} --product schema-registry >/dev/null
    registry="$scratch/release/schema-registry"
fi

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$workdir"
}
trap cleanup EXIT

"$registry" serve --listen 127.0.0.1:0 --db "$workdir/registry.db" >"$workdir/server.out" 2>"$workdir/server.err" &
server_pid=$!
url=$(wait_for_registry "$workdir/server.out" "$workdir/server.err")

# RSS_ROUND_TRIPS=N checks memory instead: N typed round trips of Trade (and N/10 of Large) with the
# resident set size after the first tenth and at the end; fails if it grew more than 5%.
if [ -n "${RSS_ROUND_TRIPS:-}" ]; then
    "$scratch/release/serde-benchmark" --registry "$url" --rss "$RSS_ROUND_TRIPS" | tee "$workdir/rss.txt"
    exec python3 - "$workdir/rss.txt" <<'PY'
import sys
figures = dict(line.split() for line in open(sys.argv[1]))
growth = max(float(figures["rss_typed_growth_percent"]), float(figures["rss_typed_large_growth_percent"]))
print(f"largest RSS growth after the first tenth: {growth:.1f}%  (target <= 5%)")
sys.exit(0 if growth <= 5 else 1)
PY
fi

"$scratch/release/serde-benchmark" --registry "$url" --seconds "$seconds" | tee "$workdir/swift.txt"

python3 - "$seconds" <<'PY' | tee "$workdir/python.txt"
import sys, time
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer, AvroDeserializer
from confluent_kafka.serialization import SerializationContext, MessageField
schema = """{"type":"record","name":"Trade","namespace":"bench","fields":[
  {"name":"id","type":"long"},{"name":"symbol","type":"string"},{"name":"venue","type":"string"},
  {"name":"trader","type":"string"},{"name":"quantity","type":"long"},{"name":"price","type":"double"},
  {"name":"fee","type":"double"},{"name":"side","type":{"type":"enum","name":"Side","symbols":["BUY","SELL"]}},
  {"name":"tags","type":{"type":"array","items":"string"}},{"name":"note","type":["null","string"]}]}"""
value = {"id": 1234567890, "symbol": "ACME", "venue": "XNYS", "trader": "alice@example.com", "quantity": 500,
         "price": 187.25, "fee": 0.35, "side": "BUY", "tags": ["block", "dark"], "note": "partial fill"}
client = SchemaRegistryClient.new_client({"url": "mock://bench"})  # the in-memory MockSchemaRegistryClient
serializer, deserializer = AvroSerializer(client, schema), AvroDeserializer(client)
context = SerializationContext("bench", MessageField.VALUE)
assert deserializer(serializer(value, context), context) == value
for _ in range(2000):
    deserializer(serializer(value, context), context)
# Process CPU time, like the Swift side: the machine is shared and the load changes from case to case.
seconds, operations, start = float(sys.argv[1]), 0, time.process_time()
while time.process_time() - start < seconds:
    for _ in range(1000):
        deserializer(serializer(value, context), context)
    operations += 1000
print("python_ops", int(operations / (time.process_time() - start)))
PY

/work/shared/tools/avro-java/serde-bench.sh "$seconds" | tee "$workdir/java.txt"
classpath="$(/work/shared/tools/avro-java/avro_jars.sh modern)"
javac -nowarn -cp "$classpath" -d "$workdir/classes" scripts/java/SerdeRecordsBench.java
bench="$scratch/release/serde-benchmark"
java -Dslf4j.internal.verbosity=ERROR -cp "$classpath:$workdir/classes" SerdeRecordsBench "$seconds" \
    trade "$("$bench" --schema trade)" small "$("$bench" --schema small)" large "$("$bench" --schema large)" 2>&1 \
    | grep -v '^SLF4J' | tee "$workdir/java-records.txt"

python3 - "$workdir/swift.txt" "$workdir/python.txt" "$workdir/java.txt" "$workdir/java-records.txt" <<'PY'
import sys
figures = {}
for path in sys.argv[1:]:
    for line in open(path):
        name, _, number = line.strip().partition(" ")
        figures[name] = float(number)
ours, codec, libavro, python = figures["ours_ops"], figures["codec_ops"], figures["libavro_ops"], figures["python_ops"]
typed, java = figures["typed_ops"], figures["java_generic_ops"]
print()
print(f"serialize+deserialize per CPU second: ours {ours:,.0f}, codec alone {codec:,.0f}, libavro alone {libavro:,.0f}, python {python:,.0f}")
print(f"ours / libavro alone:  {ours / libavro:.2f}  (target >= 0.80)")
print(f"codec / libavro alone: {codec / libavro:.2f}")
print(f"ours / python:         {ours / python:.1f}x (target >= 20x)")
print()
print(f"typed round trip (bench.Trade) {typed:,.0f}, Java generic {java:,.0f} (serde-bench.sh)")
print(f"typed / Java:          {typed / java:.2f}  (target >= 1.0, aim 1.5)")
print(f"typed / ours (AvroValue): {typed / ours:.2f}")
print()
print(f"{'record':<8}{'case':<13}{'typed':>12}{'java':>12}{'typed/java':>12}")
for record, label in (("trade", "typed"), ("small", "typed_small"), ("large", "typed_large")):
    for case, suffix in (("round trip", "_ops"), ("encode", "_encode_ops"), ("decode", "_decode_ops")):
        ours_case, java_case = figures[label + suffix], figures[f"java_{record}{suffix}"]
        print(f"{record:<8}{case:<13}{ours_case:>12,.0f}{java_case:>12,.0f}{ours_case / java_case:>12.2f}")
floor_encode, floor_decode = figures["codable_floor_encode_ops"], figures["codable_floor_decode_ops"]
floor_round_trip = 1 / (1 / floor_encode + 1 / floor_decode)
print()
print(f"Codable alone on bench.Trade, no Avro work (CodableFloor.swift): encode {floor_encode:,.0f}, decode {floor_decode:,.0f}")
print(f"  its round trip / Java's: {floor_round_trip / figures['java_trade_ops']:.2f}  (the best any Codable serializer could do)")
print(f"  typed encode / Codable encode alone: {figures['typed_encode_ops'] / floor_encode:.2f}, decode: {figures['typed_decode_ops'] / floor_decode:.2f}")
print()
print("Codable round trip, typed path / through AvroValue (the path before it):")
for record, label in (("trade", "typed"), ("small", "typed_small"), ("large", "typed_large")):
    print(f"  {record:<8}{figures[label + '_ops'] / figures[label + '_via_value_ops']:.2f}")
PY
