#!/usr/bin/env bash
# Benchmarks the compatibility checker: a FULL_TRANSITIVE check of a new 50-field record version
# against 1,000 previous versions (schemas parsed once, then kept prepared as the registry keeps them),
# and the registry in-process: registering against 1,000 versions against 1, and the memory of 1,000
# kept versions; in a release build. The cold command-line run is scripts/bench-compat-cli.sh.
# SCRATCH_PATH selects the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${SCRATCH_PATH:-.build}"
swift build -c release --scratch-path "$scratch" --product compat-benchmark >/dev/null
"$scratch/release/compat-benchmark"
