#!/usr/bin/env python3
"""Small stdlib helpers for the devstack scripts.

    probe.py free-port [EXCLUDED_PORT...]   print a free 127.0.0.1 TCP port
    probe.py port-free PORT                 exit 0 if PORT can be bound on 127.0.0.1
    probe.py tcp HOST:PORT                  exit 0 if a TCP connection succeeds
    probe.py mongo PORT                     exit 0 if an OP_MSG `hello` answers ok: 1
"""

import socket
import struct
import sys


def free_port(excluded):
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in excluded:
            return port


def port_free(port):
    with socket.socket() as s:
        # SO_REUSEADDR like the servers themselves, so a TIME_WAIT leftover does not count.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def tcp(address):
    host, _, port = address.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=2):
        return True


def bson_hello():
    def cstring(text):
        return text.encode() + b"\0"
    elements = (b"\x10" + cstring("hello") + struct.pack("<i", 1)
                + b"\x02" + cstring("$db") + struct.pack("<i", 6) + cstring("admin"))
    return struct.pack("<i", 4 + len(elements) + 1) + elements + b"\0"


def mongo(port):
    body = struct.pack("<I", 0) + b"\0" + bson_hello()  # flagBits, section kind 0, document
    message = struct.pack("<iiii", 16 + len(body), 1, 0, 2013) + body  # OP_MSG
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(message)
        header = s.recv(16, socket.MSG_WAITALL)
        length = struct.unpack("<i", header[:4])[0]
        reply = s.recv(length - 16, socket.MSG_WAITALL)
    # A probe, not a BSON parser: a healthy reply carries the top-level double `ok: 1.0`.
    return b"\x01ok\x00" + struct.pack("<d", 1.0) in reply


def main(argv):
    command, args = argv[0], argv[1:]
    try:
        if command == "free-port":
            print(free_port({int(p) for p in args}))
            return 0
        if command == "port-free":
            return 0 if port_free(int(args[0])) else 1
        if command == "tcp":
            return 0 if tcp(args[0]) else 1
        if command == "mongo":
            return 0 if mongo(int(args[0])) else 1
    except (OSError, ValueError, struct.error):
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
