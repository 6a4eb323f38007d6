"""Run services (or any module) as REAL separate processes in tests: start, wait, signal, kill.

    with ServiceProcess.service("audit", env) as audit:      # python -m services.audit
        audit.start()                                       # waits for {"event": "serving", ...}
        assert audit.healthy()
        audit.stop()                                        # SIGTERM, waits for the exit
        audit.start()                                       # same command and env again (same port if fixed)
        audit.kill()                                        # SIGKILL: no cleanup of any kind

Every service prints one JSON line {"event": "serving", "address": ...} on stdout when it serves
(shared/server.py); other JSON lines on stdout are kept in `events`. stderr (the JSON logs) goes to
a temporary file whose tail is shown when a start fails, and `logs()` parses it. `free_port()` gives a
port to pin a service's address across restarts. `service_env(name, database, tokens)` builds the
environment a service needs from the conftest fixtures (its /metrics on a free port: `metrics_address`).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from shared.auth import generate_keypair
from shared.healthcheck import check

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(name: str, database, tokens, *, listen_address: str = "127.0.0.1:0", **extra: str) -> dict[str, str]:
    """Environment for `python -m services.<name>`: its runtime URL (a serving process refuses the owner's),
    keys, address; extra keys get the prefix."""
    prefix = name.upper() + "_"
    env = {
        "DATABASE_URL": database.runtime_url,
        "LISTEN_ADDRESS": listen_address,
        "METRICS_ADDRESS": "127.0.0.1:0",  # a fixed default port would collide across concurrent runs
        **{key.upper(): value for key, value in tokens.settings_env(name).items()},
        "SHUTDOWN_GRACE_SECONDS": "2",
        **{key.upper(): str(value) for key, value in extra.items()},
    }
    if name in ("audit", "evidence"):  # a real checkpoint key (unset, the service makes an ephemeral one and warns)
        env.setdefault("CHECKPOINT_SIGNING_KEY", generate_keypair()[0])
    return {prefix + key: value for key, value in env.items()}


class ServiceProcess:
    def __init__(self, args: list[str], env: dict[str, str], *, name: str = "") -> None:
        self.args = args
        self.env = {**os.environ, **env}
        self.name = name or " ".join(args[-1:])
        self.process: subprocess.Popen | None = None
        self.address = ""
        self.metrics_address = ""  # host:port of its /metrics, when it serves one
        self.events: list[dict] = []
        self._changed = threading.Condition()
        self._stderr = tempfile.TemporaryFile(mode="w+b")

    @classmethod
    def service(cls, name: str, env: dict[str, str]) -> ServiceProcess:
        return cls([sys.executable, "-m", f"services.{name}"], env, name=name)

    @classmethod
    def module(cls, module: str, env: dict[str, str], *args: str) -> ServiceProcess:
        return cls([sys.executable, "-m", module, *args], env, name=module)

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self, timeout: float = 60.0) -> ServiceProcess:
        """Start (or restart) the process and wait until it reports it is serving."""
        assert not self.running, f"{self.name} is already running"
        with self._changed:
            self.events = []
        self.process = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, text=True, bufsize=1,
        )
        threading.Thread(target=self._read, args=(self.process,), daemon=True, name=f"{self.name}-stdout").start()
        serving = self.wait_for(lambda e: e.get("event") == "serving", timeout)
        self.address = serving.get("address", "")
        self.metrics_address = serving.get("metrics", "")
        return self

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait: the graceful shutdown path."""
        return self._signal(signal.SIGTERM, timeout)

    def kill(self, timeout: float = 30.0) -> int:
        """SIGKILL: the process gets no chance to clean up."""
        return self._signal(signal.SIGKILL, timeout)

    def _signal(self, sig: int, timeout: float) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def healthy(self, service: str = "") -> bool:
        return bool(self.address) and check(self.address, service)

    def send(self, line: str) -> None:
        """Write a line to the process's stdin (for test programs that take commands)."""
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(line.rstrip("\n") + "\n")
        self.process.stdin.flush()

    # --- output ------------------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[dict], bool], timeout: float = 60.0) -> dict:
        """The first stdout JSON event (since the last start) matching `predicate`."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for event in self.events[seen:]:
                    if predicate(event):
                        return event
                seen = len(self.events)
                if self.process is not None and self.process.poll() is not None and not self._reading:
                    raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.stderr_tail()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{self.name}: no matching event in {timeout} s:\n{self.stderr_tail()}")
                self._changed.wait(min(remaining, 0.5))

    _reading = False

    def _read(self, process: subprocess.Popen) -> None:
        self._reading = True
        try:
            assert process.stdout is not None
            for line in process.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    with self._changed:
                        self.events.append(event)
                        self._changed.notify_all()
        finally:
            self._reading = False
            with self._changed:
                self._changed.notify_all()

    def stderr_tail(self, lines: int = 40) -> str:
        self._stderr.seek(0)
        return "\n".join(self._stderr.read().decode(errors="replace").splitlines()[-lines:])

    def logs(self) -> list[dict]:
        """Every JSON log line written to stderr so far (since the first start), parsed."""
        # pread leaves the file offset alone: the running process shares it and writes at it.
        descriptor = self._stderr.fileno()
        written = os.pread(descriptor, os.fstat(descriptor).st_size, 0)
        lines = []
        for line in written.decode(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                lines.append(entry)
        return lines

    def __enter__(self) -> ServiceProcess:
        return self

    def __exit__(self, *exc) -> None:
        if self.running:
            self.kill()
        self._stderr.close()
