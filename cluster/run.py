"""Start N Relais servers (serve.py) on free loopback ports and HAProxy in front of them.

``Cluster`` is a context manager used by ``manage.py serve --replicas N``, the cluster
test and the cluster bench: it checks that HAProxy is installed (``scripts/haproxy.sh``
installs it from Debian's packages), starts the servers on the configured database,
renders ``haproxy.cfg.tmpl`` and waits until the proxy answers. It stops everything it
started, and can stop one server on purpose (the failover test).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "haproxy.cfg.tmpl"


class ClusterError(RuntimeError):
    """The cluster could not start (missing HAProxy, a server that did not come up)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists()
                                        else None)
    if found is None:
        raise ClusterError("HAProxy is not installed: run `bash scripts/haproxy.sh` "
                           "(installs Debian's haproxy package) or `apt-get install haproxy`.")
    return found


def render_config(ports: list[int], port: int, bind: str = "127.0.0.1",
                  hosts: list[str] | None = None) -> str:
    """The HAProxy configuration for servers on ports (on hosts, default loopback)."""
    hosts = hosts or ["127.0.0.1"] * len(ports)
    servers = "\n".join(f"    server s{i} {h}:{p} cookie s{i}"
                        for i, (h, p) in enumerate(zip(hosts, ports), start=1))
    status_servers = "\n".join(f"    server s{i} {h}:{p}"  # the badge status list: no cookie
                               for i, (h, p) in enumerate(zip(hosts, ports), start=1))
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        bind=bind, port=port, servers=servers, status_servers=status_servers)


def _get(url: str, timeout: float = 2) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ClusterError(f"{proc.args[0]} exited with {proc.returncode} before {url} answered")
        try:
            if _get(url) == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise ClusterError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None


@dataclass
class Cluster:
    """N servers + HAProxy on one database URL; ``with Cluster(url, 2) as c: c.url``."""

    db_url: str
    replicas: int = 2
    logdir: Path = field(default_factory=lambda: ROOT / "var" / "cluster")
    port: int | None = None
    bind: str = "127.0.0.1"
    env_extra: dict[str, str] = field(default_factory=dict)
    servers: list[Server] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    proxy: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind in {"0.0.0.0", ""} else self.bind
        return f"http://{host}:{self.port}"

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        if self.replicas < 1:
            raise ClusterError("--replicas must be at least 1")
        binary = haproxy_binary()
        self.logdir.mkdir(parents=True, exist_ok=True)
        # a server of a peak holds ~100 sessions whose runs wait for the CPU while holding
        # a connection: a larger pool than one server's default (PostgreSQL allows 100+)
        pool = {"RELAIS_DB_POOL_SIZE": os.environ.get("RELAIS_DB_POOL_SIZE", "10"),
                "RELAIS_DB_MAX_OVERFLOW": os.environ.get("RELAIS_DB_MAX_OVERFLOW", "30")}
        env = {**os.environ, **pool, "DATABASE_URL": self.db_url, **self.env_extra}
        # the proxy's port is chosen first: badges issued on any server name the proxy's
        # address for their revocation list unless RELAIS_PUBLIC_URL says otherwise
        self.port = self.port or free_port()
        env.setdefault("RELAIS_PUBLIC_URL", self.url)
        for i in range(1, self.replicas + 1):
            port = free_port()
            log = (self.logdir / f"server{i}.log").open("w")
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "serve.py",
                 "--server.port", str(port), "--server.address", "127.0.0.1",
                 "--server.headless", "true", "--browser.gatherUsageStats", "false",
                 "--server.fileWatcherType", "none"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
            log.close()
            self.servers.append(Server(f"s{i}", port, proc))
            # one planner worker beside each server: solves leave the web processes, and any
            # worker takes any server's queued job from the shared database (planning.jobs)
            wlog = (self.logdir / f"worker{i}.log").open("w")
            self.workers.append(subprocess.Popen(
                [sys.executable, "manage.py", "worker"], cwd=ROOT, env=env, stdout=wlog,
                stderr=subprocess.STDOUT, start_new_session=True))
            wlog.close()
        for server in self.servers:
            wait_http(server.url + "/_stcore/health", server.proc)
        cfg = self.logdir / "haproxy.cfg"
        cfg.write_text(render_config([s.port for s in self.servers], self.port, self.bind),
                       encoding="utf-8")
        check = subprocess.run([binary, "-c", "-q", "-f", str(cfg)], capture_output=True,
                               text=True)
        if check.returncode != 0:
            raise ClusterError(f"HAProxy refused {cfg}: {check.stderr or check.stdout}")
        log = (self.logdir / "haproxy.log").open("w")
        self.proxy = subprocess.Popen([binary, "-db", "-f", str(cfg)], stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_http(self.url + "/_stcore/health", self.proxy, timeout=20)

    def stop_server(self, name: str, hard: bool = True) -> None:
        """Stop one server (SIGKILL by default: a crash, not a clean shutdown) and wait
        until the proxy has marked it down."""
        server = next(s for s in self.servers if s.name == name)
        server.proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
        server.proc.wait(15)
        time.sleep(3.5)  # health checks every second, down after 3 failures

    def pids(self) -> dict[str, int]:
        return {s.name: s.proc.pid for s in self.servers if s.alive}

    def stop(self) -> None:
        procs = (([self.proxy] if self.proxy else []) + [s.proc for s in self.servers]
                 + list(self.workers))
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
