#!/usr/bin/env python3
"""confluent-kafka-python's SchemaRegistryClient given two registry nodes keeps working after the first one dies.

Usage: confluent_failover.py <url1>,<url2>

Phase 1 registers and reads through the comma-separated `url`; the script then prints `phase 1 done` and waits for
a line on stdin, while the test kills the first node. Phase 2 registers, looks up and reads every id again with a
fresh client (no cache), and serializes and deserializes a message. Exits 0 and prints `failover: all steps passed`.
"""
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def schema(i):
    return json.dumps({"type": "record", "name": "Event", "namespace": "failover",
                       "fields": [{"name": "id", "type": "long"}] +
                                 [{"name": f"f{k}", "type": ["null", "string"], "default": None} for k in range(i)]})


def config(urls):
    # The client retries a node that does not answer, with a backoff from 1 s, before it tries the next URL: with
    # several nodes, fail over at once instead.
    return {"url": urls, "max.retries": 0, "retries.wait.ms": 50}


def main(urls):
    client = SchemaRegistryClient(config(urls))
    ids = {}
    for i in range(10):
        ids[i] = client.register_schema("failover-value", Schema(schema(i), "AVRO"))
    print("phase 1 done", flush=True)
    sys.stdin.readline()

    client = SchemaRegistryClient(config(urls))
    for i in range(10, 20):
        ids[i] = client.register_schema("failover-value", Schema(schema(i), "AVRO"))
    fresh = SchemaRegistryClient(config(urls))
    for i, schema_id in ids.items():
        fetched = fresh.get_schema(schema_id)
        assert json.loads(fetched.schema_str) == json.loads(schema(i)), (i, fetched.schema_str)
        found = fresh.lookup_schema("failover-value", Schema(schema(i), "AVRO"))
        assert found.schema_id == schema_id and found.version == i + 1, (i, found.schema_id, found.version)
    assert fresh.get_versions("failover-value") == list(range(1, 21))
    assert len(set(ids.values())) == 20

    context = SerializationContext("failover", MessageField.VALUE)
    serializer = AvroSerializer(fresh, schema(19), conf={"auto.register.schemas": False, "use.latest.version": True})
    message = serializer({"id": 7, **{f"f{k}": None for k in range(19)}}, context)
    assert int.from_bytes(message[1:5], "big") == ids[19]
    assert AvroDeserializer(fresh)(message, context)["id"] == 7
    print("failover: all steps passed", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
