#!/usr/bin/env bash
# Cold command-line FULL_TRANSITIVE check of a new 50-field record version against 1,000 previous versions
# (files written by compat-benchmark), against Apache Avro Java 1.12.1 doing the same 2,000 checks warm,
# with parsing (shared/tools/avro-java/compat-bench.sh), in the same run. Prints the extra cost of 999 more
# versions (1,000-version run minus 1-version run) for each way of naming the files, and its ratio to
# Java's figure, and the peak resident memory of each run. Usage: scripts/bench-compat-cli.sh [ROUNDS]   (SCRATCH_PATH selects the build folder)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-11}"
scratch="${SCRATCH_PATH:-.build}"
swift build -c release --scratch-path "$scratch" --product schema-registry >/dev/null
swift build -c release --scratch-path "$scratch" --product compat-benchmark >/dev/null
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
"$scratch/release/compat-benchmark" --write-dir "$dir"
(cd "$dir" && ls v*.avsc | sort -r) > "$dir/previous.txt"
shared="$(cd .. && pwd)/shared"
[ -d "$shared/tools/avro-java" ] || shared=/work/shared
java_out="$("$shared/tools/avro-java/compat-bench.sh" "$dir")"
echo "$java_out"
java_ms="$(echo "$java_out" | sed -n 's/.*_with_parsing median_ms=\([0-9.]*\).*/\1/p')"
java_min="$(echo "$java_out" | sed -n 's/.*_with_parsing median_ms=[0-9.]* min_ms=\([0-9.]*\).*/\1/p')"
python3 - "$(cd "$scratch/release" && pwd)/schema-registry" "$dir" "$rounds" "$java_ms" "$java_min" <<'PY'
import os, statistics, subprocess, sys, time
binary, d, rounds, java_ms, java_min = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
os.chdir(d)
previous = [l.strip() for l in open("previous.txt") if l.strip()]
level = ["--level", "FULL_TRANSITIVE"]
runs = {
    "1 version": ["compat", "new.avsc", previous[-1]] + level,
    "1,000 file arguments": ["compat", "new.avsc"] + previous + level,
    "--previous DIR": ["compat", "new.avsc", "--previous", d + "/"] + level,
    "@list": ["compat", "new.avsc", "@previous.txt"] + level,
}
wall = {k: [] for k in runs}
cpu = {k: [] for k in runs}
peak = {k: [] for k in runs}
for _ in range(rounds):
    for name, args in runs.items():
        start = time.perf_counter()
        child = subprocess.Popen([binary] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = (time.perf_counter() - start) * 1e3
        assert os.waitstatus_to_exitcode(status) == 0, name
        wall[name].append(elapsed)
        cpu[name].append((usage.ru_utime + usage.ru_stime) * 1e3)
        peak[name].append(usage.ru_maxrss / 1024)
def fmt(x): return "%.1f" % x
base, base_min = statistics.median(wall["1 version"]), min(wall["1 version"])
print("compat CLI, cold runs (%d rounds), new 50-field record, FULL_TRANSITIVE; Java warm with parsing: median %s ms, min %s ms"
      % (rounds, fmt(java_ms), fmt(java_min)))
print("  1 version: median %s ms wall, %s ms CPU, peak resident memory %s MiB"
      % (fmt(base), fmt(statistics.median(cpu["1 version"])), fmt(statistics.median(peak["1 version"]))))
for name in list(runs)[1:]:
    extra = statistics.median(wall[name]) - base
    extra_min = min(wall[name]) - base_min
    extra_cpu = statistics.median(cpu[name]) - statistics.median(cpu["1 version"])
    print("  %-21s extra for 999 more versions: %s ms wall (min-to-min %s ms), %s ms CPU;"
          " ratio to Java: %.2f (medians), %.2f (mins); target <= 0.5; peak resident memory %s MiB"
          % (name + ":", fmt(extra), fmt(extra_min), fmt(extra_cpu), extra / java_ms, extra_min / java_min,
             fmt(statistics.median(peak[name]))))
PY
