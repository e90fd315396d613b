#!/usr/bin/env bash
# Sets up and runs the whole test suite (unit, corpus, integration and interop tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
