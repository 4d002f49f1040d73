"""What the Rasa server runs of ours besides the pipeline's components (components/), the channels
(channels/) and the tracker and lock stores (stores/): changes to Rasa's own behaviour that no
configuration reaches. Rasa Open Source 3.6 has no plug-in point for them (its plug-in manager
loads only Rasa Pro), so `install()` puts them in place when the tracker store is created
(stores/tracker_store.py), and only on the Rasa series they were written and tested for: on any
other, Rasa's own behaviour stays and a warning says so.

- action_replies: the check of an action server's reply, its schema checked once;
- event_types: an event's class found by its type name in a table, not by walking every class;
- action_calls: the JSON body of a call to the action server written by ujson.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

#: the Rasa versions these changes were written for and tested with
RASA_SERIES = "3.6."


def install() -> bool:
    """Installs every change (idempotent); False, and nothing changed, on another Rasa series."""
    import rasa

    if not rasa.__version__.startswith(RASA_SERIES):
        logger.warning("Rasa %s: rasa_extensions left out (written for %sx)", rasa.__version__, RASA_SERIES)
        return False
    from rasa_extensions import action_calls, action_replies, event_types

    action_replies.install()
    event_types.install()
    action_calls.install()
    return True
