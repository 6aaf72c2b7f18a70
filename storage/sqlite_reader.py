"""Columnar reads of a SQLite database, in reader processes of their own.

Apache Arrow's SQLite driver (ADBC) returns a query's rows as columns, several times faster
than building a Python tuple per row.  But it carries its own copy of the SQLite library, and
two copies of SQLite in one process break SQLite's locks: POSIX locks belong to the process,
so neither copy sees the other's, and closing one copy's file releases the other's
(https://sqlite.org/howtocorrupt.html, "Multiple copies of SQLite linked into the same
application").  Between processes the locks work as designed.  So the driver only ever runs
in reader processes started here: fresh interpreters (`python -m storage.sqlite_reader`)
that import pyarrow and the driver and nothing of the app, inherit none of its files, and
open the database read-only, for one query at a time.

Protocol on the reader's stdin/stdout: a request is a 4-byte length and a JSON object
{"uri", "sql", "busy_ms"}; the answer is one byte ("T": an Arrow IPC stream follows, "E": an
error message follows), an 8-byte length and the bytes.  The reader exits when its stdin
closes, so it never outlives the process that started it.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import struct
import subprocess
import sys
import threading
from pathlib import Path

BATCH_ROWS = 1 << 22  # one batch, so each column's type is inferred from every row
READERS = 2  # per app process: one per core
# A reader costs about 120 MB: it is started for a campaign of this many submitted responses
# or more (below, the app's driver reads it in a fraction of a second), and it stops after
# IDLE_SECONDS without a request.
MIN_RESPONSES = int(os.environ.get("RELAIS_SQLITE_READER_MIN", "5000"))
IDLE_SECONDS = float(os.environ.get("RELAIS_SQLITE_READER_IDLE", "600"))
_ROOT = Path(__file__).resolve().parent.parent


def enabled() -> bool:
    """RELAIS_SQLITE_READER=0 reads SQLite through the app's own driver only (no reader
    processes; a national campaign then takes about twice as long to read)."""
    return os.environ.get("RELAIS_SQLITE_READER", "1") != "0"


def worth_it(responses: int) -> bool:
    """Whether a campaign of this many submitted responses is worth the readers (whether
    they run at all is enabled()'s, checked where the database is opened)."""
    return responses >= MIN_RESPONSES


class ReaderFailed(RuntimeError):
    """The reader process answered with an error, or is gone."""


class ReaderGone(ReaderFailed):
    """The reader process died (killed, or stopped when idle) before it answered."""


# --- in the reader process ------------------------------------------------------------------

def _read(uri: str, sql: str, busy_ms: int) -> bytes:
    """All rows of sql as an Arrow IPC stream, through a read-only connection opened and
    closed for this read (no snapshot is held between reads)."""
    import adbc_driver_sqlite.dbapi as adbc
    import pyarrow as pa

    conn = adbc.connect(uri)
    try:
        cursor = conn.cursor()
        try:
            # wait for a lock (a checkpoint, a writer opening the log) as the app's own
            # connections do, rather than fail at once
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
            cursor.fetchall()
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
            cursor.execute(sql)
            table = cursor.fetch_arrow_table()
        finally:
            cursor.close()
    finally:
        conn.close()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def main() -> None:
    import select

    import adbc_driver_sqlite.dbapi  # noqa: F401 - loaded before the first request

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdout.write(b"R")  # ready
    stdout.flush()
    while True:
        if not select.select([stdin], [], [], IDLE_SECONDS)[0]:
            return  # idle: the memory goes back; the app starts another when it needs one
        head = stdin.read(4)
        if len(head) < 4:
            return  # the app's process closed the pipe (or is gone)
        request = json.loads(stdin.read(struct.unpack("!I", head)[0]))
        try:
            status, payload = b"T", _read(request["uri"], request["sql"], request["busy_ms"])
        except Exception as exc:  # noqa: BLE001 - said to the app, which reads rows instead
            status, payload = b"E", f"{type(exc).__name__}: {exc}".encode()
        stdout.write(status + struct.pack("!Q", len(payload)))
        stdout.write(payload)
        stdout.flush()


# --- in the app's process -------------------------------------------------------------------

class _Reader:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "storage.sqlite_reader"], cwd=_ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, close_fds=True,  # its errors go to the server's log
            # the system allocator gives a large read's memory back when it is done
            env={**os.environ, "PYTHONPATH": str(_ROOT), "ARROW_DEFAULT_MEMORY_POOL": "system"})
        if self.proc.stdout.read(1) != b"R":
            self.close()
            raise ReaderFailed("the reader process did not start")

    def read(self, uri: str, sql: str, busy_ms: int):  # noqa: ANN201 - a pyarrow.Table
        import pyarrow as pa

        request = json.dumps({"uri": uri, "sql": sql, "busy_ms": busy_ms}).encode()
        try:
            self.proc.stdin.write(struct.pack("!I", len(request)) + request)
            self.proc.stdin.flush()
            head = self.proc.stdout.read(9)
            if len(head) < 9:
                raise EOFError
            payload = self.proc.stdout.read(struct.unpack("!Q", head[1:])[0])
        except (OSError, EOFError, ValueError, struct.error) as exc:
            self.close()
            raise ReaderGone(f"the reader process is gone ({type(exc).__name__})") from exc
        if head[:1] == b"E":
            raise ReaderFailed(payload.decode(errors="replace"))
        return pa.ipc.open_stream(payload).read_all()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_lock = threading.Lock()
_idle: queue.LifoQueue[_Reader] = queue.LifoQueue()
_started: list[_Reader] = []
_starting = 0  # readers being started (outside the lock: a start takes about a second)
_pid = os.getpid()


def _forked() -> None:
    """In a forked child: the parent's readers are the parent's; start afresh."""
    global _idle, _started, _starting, _pid
    if _pid != os.getpid():
        _idle, _started, _starting, _pid = queue.LifoQueue(), [], 0, os.getpid()


def _checkout() -> _Reader:
    """An idle reader, a new one while there are fewer than READERS, or the next one free."""
    global _starting
    _forked()
    while True:
        with _lock:
            _started[:] = [r for r in _started if r.alive]
            try:
                reader = _idle.get_nowait()
            except queue.Empty:
                reader = None
            if reader is not None:
                if reader.alive:
                    return reader
                continue  # stopped while idle: look again
            start = len(_started) + _starting < READERS
            if start:
                _starting += 1
        if start:
            try:
                reader = _Reader()
            finally:
                with _lock:
                    _starting -= 1
            with _lock:
                _started.append(reader)
            return reader
        try:  # every reader busy: wait for one (and look again now and then, in case one
            reader = _idle.get(timeout=1.0)  # failed to start or died)
        except queue.Empty:
            continue
        if reader.alive:
            return reader


def run(uri: str, sql: str, busy_ms: int):  # noqa: ANN201 - a pyarrow.Table
    """sql's rows as an Arrow table, read in a reader process (ReaderFailed when the read
    fails).  A reader that died is replaced, and a read it did not answer is asked once
    more of another."""
    try:
        return _run_once(uri, sql, busy_ms)
    except ReaderGone:
        return _run_once(uri, sql, busy_ms)


def _run_once(uri: str, sql: str, busy_ms: int):  # noqa: ANN202
    reader = _checkout()
    try:
        return reader.read(uri, sql, busy_ms)
    finally:
        if reader.alive:
            _idle.put(reader)
        else:
            with _lock:
                if reader in _started:
                    _started.remove(reader)


def stop() -> None:
    """Close every reader of this process (at exit; tests)."""
    _forked()
    with _lock:
        readers, _started[:] = list(_started), []
        while not _idle.empty():
            _idle.get_nowait()
    for reader in readers:
        reader.close()


def pids() -> list[int]:
    """The reader processes of this process (tests)."""
    _forked()
    with _lock:
        return [r.proc.pid for r in _started if r.alive]


atexit.register(stop)

if __name__ == "__main__":
    main()
