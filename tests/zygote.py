"""Servers for tests, forked from one process that has already imported Rasa.

Most of a Rasa server's start, and much of an action server's, is importing Rasa (which imports
TensorFlow through its default components) before anything of this project runs. The suites
start about twenty servers, so each pytest worker keeps one zygote: a process that imports
Rasa's command line once and then forks a child per server. The child takes the server's
environment, working directory, log file and argv, and runs `rasa <argv>` as the `rasa` command
does (rasa.__main__.main), so what runs is Rasa's own command line; only the imports are shared.
Nothing of this project is imported before the fork: settings, stores and channels read their
environment in the child, as in a server of their own.

The zygote ignores SIGCHLD, so the kernel reaps its children; a child is alive while
`os.kill(pid, 0)` finds it (`Forked.poll`). Tests kill children by pid as they would a process
of their own. `python -m tests.zygote` is the zygote; `Zygote` is its handle in the test process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
#: third-party modules every server imports; none of them reads this project's settings
PRELOADED = (
    "rasa.__main__",
    "rasa.core.run",
    "rasa.core.agent",
    "rasa.engine.recipes.default_components",
    "rasa.core.tracker_store",
    "rasa.core.lock_store",
    "rasa.core.channels.rest",
    "rasa.core.channels.socketio",
    "rasa_sdk.endpoint",
    "spacy",
    "spacy.lang.en",
    "spacy_lookups_data",
    "sklearn.linear_model",
    "sqlalchemy",
    "sanic",
    "aiohttp",
)


class Forked:
    """A forked server, with the part of `subprocess.Popen` that tests/servers.py uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: Optional[int] = None

    def poll(self) -> Optional[int]:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -1  # gone; its parent, the zygote, reaped it and kept no status
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: Optional[float] = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
            time.sleep(0.05)
        return self.returncode if self.returncode is not None else -1


class Zygote:
    """The test process's handle on its zygote (started on first use, stopped at exit)."""

    _shared: Optional[Zygote] = None

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.zygote"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    @classmethod
    def shared(cls) -> Zygote:
        if cls._shared is None or cls._shared.process.poll() is not None:
            cls._shared = cls()
            import atexit

            atexit.register(cls._shared.stop)
        return cls._shared

    def spawn(self, argv: List[str], env: Dict[str, str], cwd: Path, log: Path) -> Forked:
        """Fork a child that runs `rasa <argv>` (argv without the program) and return it."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {"argv": argv, "env": env, "cwd": str(cwd), "log": str(log)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise RuntimeError(f"the test zygote exited ({self.process.poll()})")
        return Forked(int(json.loads(reply)["pid"]))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _child(request: Dict[str, object]) -> None:
    """In the forked child: become the server, then leave without returning to the loop."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setpgid(0, 0)
        log = os.open(str(request["log"]), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the child's whole life
        sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in dict(request["env"]).items()})  # type: ignore[call-overload]
        os.chdir(str(request["cwd"]))
        sys.argv = ["rasa", *[str(a) for a in list(request["argv"])]]  # type: ignore[call-overload]
        import rasa.__main__

        rasa.__main__.main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # noqa: BLE001 - anything a server dies of goes to its log
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    """Import Rasa's command line (and with it TensorFlow), then fork a child per request."""
    import importlib

    for module in PRELOADED:
        importlib.import_module(module)

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        sys.stdout.write(json.dumps({"pid": pid}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
