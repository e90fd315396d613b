#!/usr/bin/env python3
"""Drives a running registry with the real confluent-kafka Python client.

Usage: confluent_python_client.py <registry-url>

Registers, looks up, checks compatibility, changes config, serializes and deserializes records
with AvroSerializer / AvroDeserializer, and deletes. Prints one "ok: <step>" line per step and
"interop: all steps passed" at the end; exits 1 with the failing step on stderr otherwise.
"""
import json
import sys
import uuid

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

USER_V1 = {
    "type": "record", "name": "User", "namespace": "com.example",
    "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "int"}],
}
# Adds an optional field with a default: backward compatible with v1.
USER_V2 = {
    "type": "record", "name": "User", "namespace": "com.example",
    "fields": [
        {"name": "name", "type": "string"}, {"name": "age", "type": "int"},
        {"name": "email", "type": ["null", "string"], "default": None},
    ],
}
# Adds a required field without a default: not backward compatible.
USER_BAD = {
    "type": "record", "name": "User", "namespace": "com.example",
    "fields": [
        {"name": "name", "type": "string"}, {"name": "age", "type": "int"},
        {"name": "country", "type": "string"},
    ],
}


def step(name, condition, detail=""):
    if not condition:
        print(f"interop: FAILED at {name} {detail}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {name}")


def expect_error(name, codes, action):
    """Runs action and expects a SchemaRegistryError whose error_code is one of codes (an int or a tuple)."""
    codes = codes if isinstance(codes, tuple) else (codes,)
    try:
        action()
    except SchemaRegistryError as error:
        step(name, error.error_code in codes, f"(got error_code {error.error_code}: {error.error_message})")
        return
    step(name, False, "(no error raised)")


def main(url):
    client = SchemaRegistryClient({"url": url})
    # A unique prefix keeps runs against a shared server apart.
    run = uuid.uuid4().hex[:8]
    subject = f"interop-{run}-value"
    topic = f"interop-{run}"

    v1 = Schema(json.dumps(USER_V1), "AVRO")
    v2 = Schema(json.dumps(USER_V2), "AVRO")

    id1 = client.register_schema(subject, v1)
    step("register v1", isinstance(id1, int) and id1 > 0, f"(id {id1})")
    step("re-register v1 is idempotent", client.register_schema(subject, v1) == id1)

    other = f"interop-{run}-other-value"
    step("same schema in another subject keeps its id", client.register_schema(other, v1) == id1)

    fetched = client.get_schema(id1)
    step("get schema by id", json.loads(fetched.schema_str) == USER_V1, f"(got {fetched.schema_str})")

    looked_up = client.lookup_schema(subject, v1)
    step("lookup", looked_up.schema_id == id1 and looked_up.version == 1, f"(got {looked_up})")

    step("compatible candidate", client.test_compatibility(subject, v2) is True)
    step("incompatible candidate", client.test_compatibility(subject, Schema(json.dumps(USER_BAD), "AVRO")) is False)
    # Confluent answers 409 up to 8.0.3 and 40901 since; either is right.
    expect_error("incompatible registration is 409", (409, 40901), lambda: client.register_schema(
        subject, Schema(json.dumps(USER_BAD), "AVRO")))

    id2 = client.register_schema(subject, v2)
    step("register v2", id2 != id1)
    latest = client.get_latest_version(subject)
    step("latest is v2", latest.version == 2 and latest.schema_id == id2, f"(got {latest})")
    step("get version 1", client.get_version(subject, 1).schema_id == id1)
    step("versions", client.get_versions(subject) == [1, 2])
    step("subjects", subject in client.get_subjects() and other in client.get_subjects())

    step("global compatibility", client.get_compatibility() in ("BACKWARD", "NONE", "FULL", "FORWARD",
                                                               "BACKWARD_TRANSITIVE", "FORWARD_TRANSITIVE",
                                                               "FULL_TRANSITIVE"))
    client.set_compatibility(subject_name=subject, level="FULL")
    step("set subject compatibility", client.get_compatibility(subject) == "FULL")
    expect_error("invalid level is 42203", 42203, lambda: client.set_compatibility(subject_name=subject, level="SIDEWAYS"))

    serializer = AvroSerializer(client, json.dumps(USER_V2))
    deserializer = AvroDeserializer(client)
    context = SerializationContext(topic, MessageField.VALUE)
    record = {"name": "Ada", "age": 36, "email": "ada@example.com"}
    payload = serializer(record, context)
    step("serialize frames with magic byte and id", payload[0] == 0 and int.from_bytes(payload[1:5], "big") > 0)
    step("deserialize round trip", deserializer(payload, context) == record)
    written_id = int.from_bytes(payload[1:5], "big")
    step("serializer registered under the topic subject",
         client.get_latest_version(f"{topic}-value").schema_id == written_id)

    step("soft delete version 2", client.delete_version(subject, 2) == 2)
    step("versions after soft delete", client.get_versions(subject) == [1])
    expect_error("hard delete of a live subject is 40405", 40405, lambda: client.delete_subject(other, permanent=True))
    step("soft delete subject", client.delete_subject(other) == [1])
    step("hard delete subject", client.delete_subject(other, permanent=True) == [1])
    expect_error("deleted subject is 40401", 40401, lambda: client.get_versions(other))
    step("schema still served by id", json.loads(client.get_schema(id1).schema_str) == USER_V1)

    print("interop: all steps passed")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1].rstrip("/"))
