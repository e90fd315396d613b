#!/usr/bin/env bash
# Sets up, builds in release mode and starts the registry on 127.0.0.1:8081 with ./data/registry.db.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product schema-registry
exec .build/release/schema-registry serve "$@"
