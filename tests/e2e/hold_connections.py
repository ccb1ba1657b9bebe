#!/usr/bin/env python3
"""Holds hostile connections open against `credit serve` and reports how the server ended them.

usage: hold_connections.py PORT SECONDS [COUNT]

COUNT idle TCP connections from 127.0.0.2 (nothing sent) and COUNT TLS connections from 127.0.0.3
that send a request's headers one byte every half second, never finishing them. Each is watched
until the server closes it or SECONDS pass. Prints JSON: for each group, how many the server
closed at once (within 1 s), how many later, and how many were still open at the end, with the
latest close in seconds.
"""
import json
import socket
import ssl
import sys
import threading
import time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
count = int(sys.argv[3]) if len(sys.argv) > 3 else 64
results = {"idle": [], "slow": []}
lock = threading.Lock()


def connect(source):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(seconds)
    sock.connect(("127.0.0.1", port))
    return sock


def idle():
    start = time.monotonic()
    ended = None
    try:
        sock = connect("127.0.0.2")
        if sock.recv(1) == b"":
            ended = time.monotonic() - start
    except (ConnectionError, ssl.SSLError):
        ended = time.monotonic() - start
    except socket.timeout:
        pass
    with lock:
        results["idle"].append(ended)


def slow():
    start = time.monotonic()
    ended = None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    headers = b"POST /v1/call/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10000
    try:
        tls = context.wrap_socket(connect("127.0.0.3"))
        tls.settimeout(0.5)
        for byte in headers:
            if time.monotonic() - start > seconds:
                break
            tls.send(bytes([byte]))
            try:
                if tls.recv(1) == b"":
                    raise ConnectionError
            except (socket.timeout, ssl.SSLWantReadError):
                pass
    except (ConnectionError, ssl.SSLError, OSError):
        ended = time.monotonic() - start
    with lock:
        results["slow"].append(ended)


threads = [threading.Thread(target=f) for f in [idle] * count + [slow] * count]
for t in threads:
    t.start()
    time.sleep(0.005)
for t in threads:
    t.join()


def summary(ends):
    closed = [e for e in ends if e is not None]
    return {
        "at_once": sum(1 for e in closed if e < 1.0),
        "later": sum(1 for e in closed if e >= 1.0),
        "open": len(ends) - len(closed),
        "latest": round(max(closed), 1) if closed else None,
    }


print(json.dumps({group: summary(ends) for group, ends in results.items()}))
