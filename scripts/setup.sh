#!/usr/bin/env bash
# Installs what building and testing need on Debian 12 (run as root; Swift 6 already installed).
# Idempotent: installs only what is missing.
set -euo pipefail

# postgresql: the server programs (initdb, pg_ctl) the tests start a throwaway cluster with, and the `postgres`
# user they run as; libpq-dev: the client library of the PostgreSQL store.
apt_packages=(libavro-dev libmicrohttpd-dev libgnutls28-dev libsqlite3-dev libpq-dev postgresql pkg-config curl openssl python3-pip)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python packages the interop tests drive: the real Confluent client, fastavro and avro.
python=${PYTHON:-python3}
if ! "$python" -c 'from confluent_kafka.schema_registry.avro import AvroSerializer; import fastavro, avro, requests' >/dev/null 2>&1; then
    echo "setup: installing Python packages for the interop tests"
    "$python" -m pip install -q --disable-pip-version-check --root-user-action=ignore \
        'confluent-kafka[avro,schemaregistry]' fastavro avro requests
fi
