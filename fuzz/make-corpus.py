#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/ from schemas/ and Tests/Fixtures/compat-corpus.jsonl.

fuzz-schema: every schema file and every distinct schema text of the compatibility corpus.
fuzz-compat: each corpus case as reader, a NUL byte, writer.
fuzz-deserializer: a selector byte (index into the schema pairs of FuzzDeserializer.swift) followed by
a few Avro binary messages of that pair's writer schema, encoded here with a small encoder of our own.
"""
import hashlib, json, os, random, struct, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
PAIRS = [  # keep in step with fuzz/Sources/fuzz-deserializer/FuzzDeserializer.swift
    "example-every-type", "example-recursive", "example-namespaces", "order-v1", "order-v3", "order-v2",
]


def save(target, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def zigzag(n):
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n & ~0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


class Encoder:
    """Encodes random values of a schema (logical types as their underlying type)."""

    def __init__(self, schema, rng):
        self.names, self.rng = {}, rng
        self.collect(schema, None)
        self.schema = schema

    def full(self, name, namespace):
        return name if "." in name or not namespace else f"{namespace}.{name}"

    def collect(self, s, ns):
        if isinstance(s, list):
            for b in s:
                self.collect(b, ns)
        elif isinstance(s, dict):
            t = s["type"]
            if t in ("record", "enum", "fixed"):
                name = self.full(s["name"], s.get("namespace", ns))
                self.names[name] = (s, name.rpartition(".")[0] or None)
                if t == "record":
                    for f in s["fields"]:
                        self.collect(f["type"], name.rpartition(".")[0] or None)
            elif t == "array":
                self.collect(s["items"], ns)
            elif t == "map":
                self.collect(s["values"], ns)

    def resolve(self, s, ns):
        if isinstance(s, str) and s not in ("null", "boolean", "int", "long", "float", "double", "bytes", "string"):
            key = s if s in self.names else self.full(s, ns)
            return self.names[key]
        return s, ns

    def encode(self, s, ns, depth=0):
        s, ns = self.resolve(s, ns)
        r = self.rng
        if isinstance(s, list):
            choices = [i for i, b in enumerate(s) if depth < 4 or b == "null"] or list(range(len(s)))
            i = r.choice(choices)
            return zigzag(i) + self.encode(s[i], ns, depth + 1)
        t = s["type"] if isinstance(s, dict) else s
        if isinstance(t, (dict, list)):
            return self.encode(t, ns, depth)
        if t == "null": return b""
        if t == "boolean": return bytes([r.randint(0, 1)])
        if t == "int": return zigzag(r.choice([0, -1, 1, 2**31 - 1, -2**31, r.randint(-1000, 1000)]))
        if t == "long": return zigzag(r.choice([0, -1, 2**63 - 1, -2**63, r.randint(-10**12, 10**12)]))
        if t == "float": return struct.pack("<f", r.choice([0.0, 1.5, -2.25, float("inf")]))
        if t == "double": return struct.pack("<d", r.choice([0.0, 1.5, -2.25, float("nan")]))
        if t in ("bytes", "string"):
            data = r.choice(["", "a", "café", "x" * 40]).encode()
            if isinstance(s, dict) and s.get("logicalType") == "uuid":
                data = b"01234567-89ab-cdef-0123-456789abcdef"
            return zigzag(len(data)) + data
        if t == "fixed": return bytes(r.randint(0, 255) for _ in range(s["size"]))
        if t == "enum": return zigzag(r.randrange(len(s["symbols"])))
        if t == "record":
            inner = s.get("namespace", ns) if "." not in s["name"] else s["name"].rpartition(".")[0]
            return b"".join(self.encode(f["type"], inner, depth + 1) for f in s["fields"])
        if t in ("array", "map"):
            count = 0 if depth > 3 else r.randint(0, 3)
            out = zigzag(count) if count else b""
            for _ in range(count):
                if t == "map":
                    key = f"k{r.randint(0, 9)}".encode()
                    out += zigzag(len(key)) + key
                out += self.encode(s["items" if t == "array" else "values"], ns, depth + 1)
            return out + b"\x00"
        raise ValueError(f"unknown type {t!r}")


def main():
    schema_texts = {}
    for name in sorted(os.listdir(os.path.join(ROOT, "schemas"))):
        with open(os.path.join(ROOT, "schemas", name), "rb") as f:
            schema_texts[name] = f.read()
    for text in schema_texts.values():
        save("fuzz-schema", text)
    with open(os.path.join(ROOT, "Tests", "Fixtures", "compat-corpus.jsonl")) as f:
        for line in f:
            case = json.loads(line)
            texts = [case[f"{k}_text"] if f"{k}_text" in case else json.dumps(case[k]) for k in ("reader", "writer")]
            for text in texts:
                save("fuzz-schema", text.encode())
            save("fuzz-compat", texts[0].encode() + b"\x00" + texts[1].encode())
    rng = random.Random(7)
    for index, name in enumerate(PAIRS):
        encoder = Encoder(json.loads(schema_texts[f"{name}.avsc"]), rng)
        for _ in range(4):
            save("fuzz-deserializer", bytes([index]) + encoder.encode(encoder.schema, None))
    for target in sorted(os.listdir(CORPUS)):
        print(target, len(os.listdir(os.path.join(CORPUS, target))), "seeds")


if __name__ == "__main__":
    sys.exit(main())
