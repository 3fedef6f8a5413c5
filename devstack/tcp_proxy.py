"""A TCP forwarder that can be switched off and on, to take a database "down" without touching the shared
stack: while stopped nothing listens on its port (connections are refused) and open connections are cut.

Used as a module by the dashboard tests, and as a program by the Swift tests:
    python3 devstack/tcp_proxy.py HOST PORT
prints the local port it forwards from, then obeys `stop` and `start` lines on stdin, answering `ok` to each;
it exits when stdin closes."""

from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, host: str, port: int):
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def main() -> None:
    import sys

    proxy = TcpProxy(sys.argv[1], int(sys.argv[2]))
    proxy.start()
    print(proxy.port, flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "stop":
            proxy.stop()
        elif command == "start":
            proxy.start()
        else:
            print(f"unknown command {command!r}", flush=True)
            continue
        print("ok", flush=True)
    proxy.stop()


if __name__ == "__main__":
    main()
