#!/usr/bin/env bash
# Builds one libFuzzer target of the fuzz/ package (address sanitizer on) and fuzzes it for SECONDS.
#   scripts/fuzz.sh fuzz-schema|fuzz-compat|fuzz-deserializer|fuzz-typed-decoder SECONDS [extra libFuzzer flags...]
# Seeds come from fuzz/corpus/TARGET and fuzz/regressions/TARGET (fuzz-typed-decoder also reads
# fuzz-deserializer's, whose inputs have the same form); new interesting inputs are kept in
# fuzz/work/TARGET (not committed); crash, timeout and out-of-memory inputs land in fuzz/crashes/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
shift 2
case "$target" in
    fuzz-schema|fuzz-compat|fuzz-deserializer|fuzz-typed-decoder) ;;
    *) echo "unknown target $target (fuzz-schema, fuzz-compat, fuzz-deserializer, fuzz-typed-decoder)" >&2; exit 2 ;;
esac
scratch=${FUZZ_SCRATCH_PATH:-$PWD/.build-fuzz}

# SwiftPM aliases an executable's `main` to the module's entry point, so libFuzzer's own `main` is never
# linked; the entry point calls LLVMFuzzerRunDriver instead, which must be kept in the link and exported.
# ld.gold crashes on this link (internal error in format_file_lineno); lld works.
swift build --package-path fuzz -c release --scratch-path "$scratch" --product "$target" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld \
    -Xlinker --undefined=LLVMFuzzerRunDriver -Xlinker --export-dynamic-symbol=LLVMFuzzerRunDriver

mkdir -p "fuzz/work/$target" "fuzz/crashes/$target" "fuzz/corpus/$target" "fuzz/regressions/$target"
binary="$scratch/release/$target"
# Leaks are still checked after every input; the check at exit is off because it flags the schemas and
# codecs the deserializer target builds once and keeps in a global (a constant ~30 KB however many inputs
# ran), which made every fork-mode job end as a "crash" with an empty input.
export ASAN_OPTIONS="${ASAN_OPTIONS:-leak_check_at_exit=0}"
# -fork=1 with -ignore_crashes keeps fuzzing after a crash so one run can report several; each is saved.
seeds=("fuzz/corpus/$target" "fuzz/regressions/$target")
if [ "$target" = fuzz-typed-decoder ]; then seeds+=(fuzz/corpus/fuzz-deserializer fuzz/regressions/fuzz-deserializer); fi
exec "$binary" "fuzz/work/$target" "${seeds[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -artifact_prefix="fuzz/crashes/$target/" -print_final_stats=1 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 "$@"
