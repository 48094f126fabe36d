"""A small TCP proxy on loopback that a test can break and mend: put it between the app and a
server (PostgreSQL here) and the server seems to go away and come back, without touching it.

Modes:
- ``forward``: bytes flow both ways (the normal case);
- ``refuse``: every open connection is reset, and each new one is reset as soon as it arrives
  (what clients see of a server that is down or restarting);
- ``blackhole``: every open connection is reset; new ones are accepted and then left unanswered
  (a server that hangs: clients need their own timeouts).

The listening socket stays open throughout, so the port cannot be taken by anyone else."""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading

FORWARD, REFUSE, BLACKHOLE = "forward", "refuse", "blackhole"


def _reset(sock: socket.socket) -> None:
    """Close with RST (SO_LINGER 0), as a crashed server's kernel would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, listen_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self._listener = socket.create_server((listen_host, 0))
        self.port = self._listener.getsockname()[1]
        self.mode = FORWARD
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()  # every socket of every live connection
        self._closed = threading.Event()
        self.accepted = 0
        self._thread = threading.Thread(target=self._accept_loop, name=f"tcp-proxy-{self.port}", daemon=True)

    # -- control ----------------------------------------------------------------------------------

    def start(self) -> TcpProxy:
        self._thread.start()
        return self

    def forward(self) -> None:
        self.mode = FORWARD

    def refuse(self) -> None:
        self.mode = REFUSE
        self.reset_all()

    def blackhole(self) -> None:
        self.mode = BLACKHOLE
        self.reset_all()

    def reset_all(self) -> None:
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            _reset(sock)

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        self.reset_all()
        self._thread.join(timeout=5)

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- work -------------------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        self._listener.settimeout(0.2)
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            mode = self.mode
            if mode == REFUSE:
                _reset(client)
            elif mode == BLACKHOLE:
                with self._lock:
                    self._open.add(client)  # held open, never answered, reset on the next change
            else:
                threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            _reset(client)
            return
        with self._lock:
            self._open.update((client, upstream))
        peers = {client: upstream, upstream: client}
        try:
            while True:
                readable, _, _ = select.select(list(peers), [], [], 0.5)
                if self._closed.is_set() or client.fileno() < 0 or upstream.fileno() < 0:
                    return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            with self._lock:
                self._open.discard(client)
                self._open.discard(upstream)
            _reset(client)
            _reset(upstream)
