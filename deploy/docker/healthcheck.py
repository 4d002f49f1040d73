"""Docker HEALTHCHECK: 0 when this container's server answers on loopback, 1 otherwise.

Rasa's REST channel health route answers once the model is loaded; the action server has
/health. One image serves both roles, so whichever of the two answers makes it healthy.
"""

import os
import sys
import urllib.request

URLS = (
    f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}/webhooks/rest/",
    f"http://127.0.0.1:{os.environ.get('ACTIONS_PORT', '5055')}/health",
)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310 - fixed loopback URLs
            return answer.status == 200
    except OSError:
        return False


sys.exit(0 if any(healthy(url) for url in URLS) else 1)
