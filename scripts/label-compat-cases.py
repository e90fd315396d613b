#!/usr/bin/env python3
"""Labels reader/writer pairs with Apache Avro Java 1.12.1's verdicts, in the corpus format.

    scripts/label-compat-cases.py CANDIDATES.jsonl > LABELLED.jsonl

Each input line is {"id", "feature", "note", "reader"|"reader_text", "writer"|"writer_text"}; the output adds
`oracle`, `oracle_reverse`, `levels` and `expected` as Tests/Fixtures/compat-corpus.jsonl has them (see
shared/compat-corpus/README.md). The verdicts come from shared/tools/avro-java/oracle.sh, run once per
orientation, so that no case is ever labelled by hand. Set AVRO_ORACLE_CACHE to reuse the oracle's jars.
"""
import json
import os
import subprocess
import sys
import tempfile

ORACLE = os.environ.get("AVRO_ORACLE", os.path.join(os.path.dirname(__file__), "../../shared/tools/avro-java/oracle.sh"))
if not os.path.exists(ORACLE):
    ORACLE = "/work/shared/tools/avro-java/oracle.sh"


def run_oracle(pairs):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for index, pair in enumerate(pairs):
            f.write(json.dumps(dict(pair, id=index)) + "\n")
        path = f.name
    try:
        out = subprocess.run([ORACLE, path], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    verdicts = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert len(verdicts) == len(pairs), "the oracle answered %d of %d lines" % (len(verdicts), len(pairs))
    for verdict in verdicts:
        verdict.pop("id", None)
    return verdicts


def side(case, role):
    key = role + "_text" if role + "_text" in case else role
    return key, case[key]


def level(verdict):
    return "INCOMPATIBLE" if verdict["result"] == "ERROR" else verdict["result"]


def main():
    cases = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    forward, backward = [], []
    for case in cases:
        (rk, r), (wk, w) = side(case, "reader"), side(case, "writer")
        forward.append({rk: r, wk: w})
        backward.append({rk.replace("reader", "writer"): r, wk.replace("writer", "reader"): w})
    oracle, reverse = run_oracle(forward), run_oracle(backward)
    for case, o, rev in zip(cases, oracle, reverse):
        if "INVALID" in (o["result"], rev["result"]):
            full = "INVALID"
        elif o["result"] == rev["result"] == "COMPATIBLE":
            full = "COMPATIBLE"
        else:
            full = "INCOMPATIBLE"
        levels = {"BACKWARD": level(o), "FORWARD": level(rev), "FULL": full}
        line = dict(case, source="Apache Avro Java 1.12.1 via shared/tools/avro-java/oracle.sh", oracle=o,
                    oracle_reverse=rev, levels=levels, expected=levels["BACKWARD"])
        print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
