#!/usr/bin/env python3
"""Crash safety of the registry: acknowledged writes survive SIGKILL.

Each round starts `schema-registry serve` on one database that is kept for the whole run, lets CLIENTS
threads register distinct, mutually compatible schemas under a few subjects, and SIGKILLs the server at a
random moment. Every answer 200 with an id counts as acknowledged. Before the restart the database file
must pass `PRAGMA integrity_check`; after it, every write acknowledged in any round so far must be listed
by `GET /schemas` under the same subject, version and id with the same schema, and a new registration must
get an id no acknowledged write has. The last line is `rounds=R acknowledged=N lost=L`; the exit status is
0 only when nothing was lost, reused or corrupt.

    scripts/crash-test.py [--rounds 100] [--binary PATH] [--clients 16] [--subjects 4] [--seed N]
"""
import argparse, http.client, json, os, random, shutil, signal, sqlite3, subprocess, sys, tempfile, threading, time
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


def default_binary():
    for folder in (".build/debug", ".build/release"):
        path = os.path.join(ROOT, folder, "schema-registry")
        if os.path.exists(path):
            return path
    return shutil.which("schema-registry") or os.path.join(ROOT, ".build/debug/schema-registry")


class Server:
    def __init__(self, binary, db):
        self.process = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--db", db],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        line = self.process.stdout.readline().decode().strip()
        prefix = "schema-registry listening on http://127.0.0.1:"
        if not line.startswith(prefix):
            self.process.kill()
            raise RuntimeError(f"server did not start: {line!r}")
        self.port = int(line[len(prefix):])

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def request(connection, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    connection.request(method, path, body=data, headers={"Content-Type": CONTENT_TYPE} if data else {})
    reply = connection.getresponse()
    return reply.status, reply.read()


def schema_text(round_number, client, sequence):
    # Every schema adds one field with a default and keeps only `key`: any two are BACKWARD compatible.
    return json.dumps({"type": "record", "name": "Event", "namespace": "crash.test", "fields": [
        {"name": "key", "type": "string"},
        {"name": f"r{round_number}_c{client}_s{sequence}", "type": "int", "default": 0}]}, separators=(",", ":"))


def client_loop(port, round_number, client, subjects, acknowledged, refused, lock, rng):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    sequence = 0
    try:
        while True:
            subject = rng.choice(subjects)
            text = schema_text(round_number, client, sequence)
            sequence += 1
            status, body = request(connection, "POST", f"/subjects/{quote(subject, safe='')}/versions", {"schema": text})
            if status != 200:
                with lock:
                    refused.append(f"{subject}: {status} {body[:200]!r}")
                continue
            answer = json.loads(body)
            with lock:
                acknowledged.append((subject, answer.get("version"), answer["id"], text))
    except (OSError, http.client.HTTPException):
        pass  # the server was killed
    finally:
        connection.close()


def integrity(db):
    # Opening the file runs WAL recovery exactly as the restarted server would see it.
    connection = sqlite3.connect(db)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def stored_versions(port):
    """(subject, version) -> (id, schema) for every live version, from the paged `GET /schemas`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    found, offset = {}, 0
    try:
        while True:
            status, body = request(connection, "GET", f"/schemas?offset={offset}&limit=1000")
            if status != 200:
                raise RuntimeError(f"GET /schemas answered {status}: {body[:200]!r}")
            page = json.loads(body)
            for entry in page:
                found[(entry["subject"], entry["version"])] = (entry["id"], entry["schema"])
            if len(page) < 1000:
                return found
            offset += len(page)
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--binary", default=default_binary())
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--subjects", type=int, default=4)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    folder = tempfile.mkdtemp(prefix="schema-registry-crash-")
    db = os.path.join(folder, "registry.db")
    subjects = [f"crash-{index}-value" for index in range(options.subjects)]
    acknowledged, lost, reused, corrupt, errors = [], 0, 0, 0, 0
    print(f"seed={seed} db={db} binary={options.binary}", flush=True)
    try:
        for round_number in range(options.rounds):
            server = Server(options.binary, db)
            this_round, refused, lock = [], [], threading.Lock()
            threads = [threading.Thread(target=client_loop, daemon=True, args=(
                server.port, round_number, client, subjects, this_round, refused, lock, random.Random(rng.random())))
                for client in range(options.clients)]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.05, 0.8))
            server.kill()
            for thread in threads:
                thread.join(timeout=30)
            with lock:
                acknowledged.extend(this_round)
                errors += len(refused)
                for line in refused[:3]:
                    print(f"round {round_number}: registration refused: {line}", flush=True)

            check = integrity(db)
            if check != ["ok"]:
                corrupt += 1
                print(f"round {round_number}: integrity_check {check[:5]}", flush=True)

            server = Server(options.binary, db)
            stored = stored_versions(server.port)
            acknowledged_ids = set()
            for subject, version, schema_id, text in acknowledged:
                acknowledged_ids.add(schema_id)
                if version is not None:
                    matches = stored.get((subject, version)) == (schema_id, text)
                else:  # an answer without a version: any version of the subject holding this schema
                    matches = any(key[0] == subject and value == (schema_id, text) for key, value in stored.items())
                if not matches:
                    lost += 1
                    print(f"round {round_number}: lost {subject} v{version} id {schema_id}", flush=True)
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            status, body = request(connection, "POST", f"/subjects/{subjects[0]}/versions",
                                   {"schema": schema_text(round_number, "after", 0)})
            connection.close()
            new_id = json.loads(body).get("id") if status == 200 else None
            if new_id is None or new_id in acknowledged_ids or new_id <= max(acknowledged_ids, default=0):
                reused += 1
                print(f"round {round_number}: registration after restart answered {status} {body[:200]!r}", flush=True)
            server.stop()
            if options.verbose:
                print(f"round {round_number}: acknowledged {len(this_round)}, stored {len(stored)}", flush=True)
        print(f"reused={reused} corrupt={corrupt} refused={errors}")
        print(f"rounds={options.rounds} acknowledged={len(acknowledged)} lost={lost}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if lost == 0 and reused == 0 and corrupt == 0 and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
