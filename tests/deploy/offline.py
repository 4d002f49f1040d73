"""Run a deployment checker with the network cut off: `python tests/deploy/offline.py
kubernetes-validate|checkov ARGS...` (in .venv-tools). Any connection attempt raises, so a
checker that wanted to fetch schemas or policies fails loudly instead of reaching out."""

import socket
import sys
from typing import NoReturn


def refuse(*_args: object, **_kwargs: object) -> NoReturn:
    raise OSError("network access is disabled for the offline deployment checks")


# replacing the socket methods is the point here, which mypy refuses for any method: hence the two ignores
socket.socket.connect = refuse  # type: ignore[method-assign]
socket.socket.connect_ex = refuse  # type: ignore[method-assign]
socket.create_connection = refuse
socket.getaddrinfo = refuse

tool, sys.argv = sys.argv[1], [sys.argv[1], *sys.argv[2:]]
if tool == "kubernetes-validate":
    from kubernetes_validate.__main__ import main

    sys.exit(main())
if tool == "checkov":
    from checkov.main import Checkov

    sys.exit(Checkov().run())
sys.exit(f"unknown tool {tool!r}")
