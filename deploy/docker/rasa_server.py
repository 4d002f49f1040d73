"""`rasa run ...` with the HTTP API's token from the environment, never on the command line.

Rasa takes its API token only as `--auth-token`, and a process's command line is visible to
anyone on the host (`ps`, `docker top`), its environment only to its own user and root. So the
entrypoint starts `python rasa_server.py run ...` without the token, and the token (from
RASA_AUTH_TOKEN, which the entrypoint may have read from RASA_AUTH_TOKEN_FILE) is added to this
process's own `sys.argv` only, which Rasa's argument parser reads and `ps` never shows.
"""

from __future__ import annotations

import os
import sys
from typing import List, Mapping, Sequence

AUTH_FLAG = "--auth-token"


def rasa_argv(args: Sequence[str], environ: Mapping[str, str]) -> List[str]:
    """Rasa's own command line: `args` and the token from the environment."""
    if any(arg == AUTH_FLAG or arg.startswith(AUTH_FLAG + "=") for arg in args):
        raise SystemExit(f"rasa_server: {AUTH_FLAG} is read from RASA_AUTH_TOKEN, never given as an argument")
    token = environ.get("RASA_AUTH_TOKEN", "")
    if not token:
        raise SystemExit("rasa_server: set RASA_AUTH_TOKEN (or RASA_AUTH_TOKEN_FILE): the HTTP API is only enabled with a token")
    # One argument, `--auth-token=<token>`: as two, a token that starts with "-" (as one from
    # `secrets.token_urlsafe` may) would be read as an option and Rasa would not start.
    return ["rasa", *args, f"{AUTH_FLAG}={token}"]


def main() -> None:
    sys.argv = rasa_argv(sys.argv[1:], os.environ)
    from rasa.__main__ import main as rasa_main  # after the check: importing rasa takes seconds

    rasa_main()


if __name__ == "__main__":
    main()
