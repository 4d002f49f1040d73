"""CPU cost of turning event dicts into Rasa events, with Rasa's lookup and with ours:
`python -m bench.event_types_cost`.

Rasa finds each event's class by walking every `Event` subclass (`Event.resolve_by_type`);
rasa_extensions/event_types.py keeps the answer per type name. Both are timed on the events of
a stored session (what the tracker store reads back each turn) and of an action-server reply.
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Callable, Dict, List

from rasa.shared.core.events import deserialise_events

REPLY: List[Dict[str, Any]] = [
    {"event": "slot", "name": "checklist_answer", "value": "yes", "timestamp": None},
    {"event": "slot", "name": "requested_slot", "value": "checklist_item", "timestamp": None},
    {"event": "active_loop", "name": "screening_form", "timestamp": None},
]
#: one turn of a conversation as stored: the user's message, the actions, the bot's replies, slots
TURN: List[Dict[str, Any]] = [
    {"event": "user", "text": "my lower back hurts", "parse_data": {"intent": {"name": "report_pain", "confidence": 0.9}}},
    {"event": "user_featurization", "use_text_for_featurization": False},
    {"event": "action", "name": "action_request_hands_on"},
    {"event": "slot", "name": "body_area", "value": ["lower_back"]},
    {"event": "action", "name": "screening_form"},
    {"event": "active_loop", "name": "screening_form"},
    {"event": "bot", "text": "Any of these?", "data": {"buttons": []}},
    {"event": "action", "name": "action_listen"},
]


def cpu_ms(call: Callable[[], object], repeat: int) -> float:
    """CPU milliseconds per call of `call`, after one warm-up call."""
    call()
    started = time.process_time()
    for _ in range(repeat):
        call()
    return (time.process_time() - started) / repeat * 1000


def per_call_ms(events: List[Dict[str, Any]], repeat: int) -> float:
    return cpu_ms(lambda: deserialise_events(events), repeat)


def cost_arguments(description: str, turns_help: str) -> argparse.Namespace:
    """The cost scripts' two options: how many calls are timed, how many turns the session holds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--turns", type=int, default=8, help=f"{turns_help} (default 8)")
    return parser.parse_args()


def main() -> None:
    args = cost_arguments(__doc__.splitlines()[0], "turns in the stored session")
    session = TURN * args.turns
    rasas = {"session": per_call_ms(session, args.repeat), "reply": per_call_ms(REPLY, args.repeat)}
    import rasa_extensions

    assert rasa_extensions.install(), "not the Rasa series the change was written for"
    ours = {"session": per_call_ms(session, args.repeat), "reply": per_call_ms(REPLY, args.repeat)}
    for what, count in (("session", len(session)), ("reply", len(REPLY))):
        print(f"{what} ({count} events): Rasa's walk {rasas[what]:.3f} ms, the table {ours[what]:.3f} ms CPU")


if __name__ == "__main__":
    main()
