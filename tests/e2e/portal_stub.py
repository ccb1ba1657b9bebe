#!/usr/bin/env python3
"""A stand-in for the credit portal's release endpoint, for the end-to-end tests.

Serves HTTPS on 127.0.0.1 (port 0: a free one, written to PORTFILE). POST /releases takes a release
as `credit publish --to` sends it (multipart/form-data: manifest, upsert, withdraw; header
Idempotency-Key), checks each file against the manifest's SHA-256 and line count, keeps it under
DIR/<sequence>/ and answers {"sequence": N, "status": "accepted"}; the same Idempotency-Key again
is answered {"sequence": N, "status": "duplicate"} and changes nothing.

Faults come from DIR/control.json, read at each request (missing: none):
  {"fail": N, "status": 500}   the next N requests fail with that status
  {"delay": S, "count": K}      the next K requests wait S seconds before they are processed
  {"delay_after": S, "count": K} the next K requests are processed, then wait S seconds to answer
Every request is logged to DIR/requests.ndjson with what happened and, with --probe DB, how many
records the store had published when the release arrived.
"""
import argparse
import email.parser
import email.policy
import hashlib
import http.server
import json
import os
import sqlite3
import ssl
import sys
import threading
import time

LOCK = threading.Lock()


def control(directory):
    """Takes one request's share of the faults in control.json."""
    path = os.path.join(directory, "control.json")
    with LOCK:
        try:
            with open(path) as f:
                c = json.load(f)
        except (FileNotFoundError, ValueError):
            return {}
        taken = {}
        if c.get("fail", 0) > 0:
            c["fail"] -= 1
            taken["fail"] = c.get("status", 500)
        elif c.get("count", 0) > 0:
            c["count"] -= 1
            for key in ("delay", "delay_after"):
                if key in c:
                    taken[key] = c[key]
        with open(path, "w") as f:
            json.dump(c, f)
        return taken


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def log(self, **entry):
        with LOCK:
            with open(os.path.join(self.server.directory, "requests.ndjson"), "a") as f:
                f.write(json.dumps(entry) + "\n")

    def answer(self, status, body):
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up waiting

    def published_now(self):
        if not self.server.probe:
            return None
        db = sqlite3.connect(f"file:{self.server.probe}?mode=ro", uri=True, timeout=10)
        try:
            return db.execute("SELECT count(*) FROM records WHERE status = 'published'").fetchone()[0]
        finally:
            db.close()

    def parts(self, body):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body)
        return {p.get_param("name", header="content-disposition"): p.get_payload(decode=True)
                for p in message.iter_parts()}

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        key = self.headers.get("Idempotency-Key")
        faults = control(self.server.directory)
        if "fail" in faults:
            self.log(key=key, outcome="failed", status=faults["fail"])
            return self.answer(faults["fail"], {"error": "injected failure"})
        if "delay" in faults:
            time.sleep(faults["delay"])
        parts = self.parts(body)
        manifest = json.loads(parts["manifest"])
        problems = []
        if str(manifest["sequence"]) != key:
            problems.append("the Idempotency-Key is not the manifest's sequence")
        for f in manifest["files"]:
            data = parts.get(f["name"].split(".")[0], b"")
            if hashlib.sha256(data).hexdigest() != f["sha256"] or data.count(b"\n") != f["lines"]:
                problems.append(f"{f['name']} does not match the manifest")
        if problems:
            self.log(key=key, outcome="rejected", problems=problems)
            return self.answer(400, {"error": "; ".join(problems)})
        target = os.path.join(self.server.directory, str(manifest["sequence"]))
        with LOCK:
            duplicate = os.path.exists(target)
            if not duplicate:
                os.makedirs(target)
                for name, data in parts.items():
                    with open(os.path.join(target, name), "wb") as f:
                        f.write(data)
        self.log(key=key, outcome="duplicate" if duplicate else "accepted",
                 published_at_receipt=self.published_now(), delayed=faults.get("delay"))
        if "delay_after" in faults:
            time.sleep(faults["delay_after"])
        self.answer(200, {"sequence": manifest["sequence"],
                          "status": "duplicate" if duplicate else "accepted"})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--portfile", required=True)
    p.add_argument("--probe")
    a = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.directory, server.probe = a.dir, a.probe
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(a.cert, a.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(a.portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(a.portfile + ".tmp", a.portfile)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
