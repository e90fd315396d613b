# Sourced by the benchmark scripts.
# wait_for_registry OUT ERR: waits up to 10 s for `schema-registry serve`, whose stdout goes to OUT and
# stderr to ERR, to print its ready line, then prints the URL it listens on. If it never does, prints
# ERR to stderr and returns 1.
wait_for_registry() {
    local out=$1 err=$2 url=""
    for _ in $(seq 200); do
        url=$(sed -n 's/^schema-registry listening on //p' "$out" 2>/dev/null)
        if [ -n "$url" ]; then
            echo "$url"
            return 0
        fi
        sleep 0.05
    done
    echo "the registry did not start:" >&2
    cat "$err" >&2
    return 1
}
