"""CPU cost of Rasa's check of one action-server reply: `python -m bench.validate_cost`.

Rasa 3.6 runs `jsonschema.validate` on every reply from the action server (RemoteAction), and
`jsonschema.validate` first checks the schema itself against its meta-schema. Which meta-schema
depends on the installed jsonschema (see requirements/rasa-deps.in), so this prints the version
next to the cost. The reply is a typical one of ours: a screening question with buttons and two
slot events.
"""

from __future__ import annotations

import argparse
import time

import jsonschema
from rasa.core.actions.action import RemoteAction

REPLY = {
    "events": [
        {"event": "slot", "name": "checklist_answer", "value": "yes", "timestamp": None},
        {"event": "slot", "name": "requested_slot", "value": "checklist_item", "timestamp": None},
    ],
    "responses": [
        {
            "text": "Which one? Tap the first one that applies.",
            "buttons": [{"title": "Blood thinners or a clot", "payload": '/inform{"checklist_item": "blood_thinners"}'}],
            "elements": [],
            "custom": {},
            "template": None,
            "response": None,
            "image": None,
            "attachment": None,
        }
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    action = RemoteAction("action_ask_q_diabetes_sensation", None)
    action._validate_action_result(REPLY)  # warm-up: imports, first compile
    started = time.process_time()
    for _ in range(args.repeat):
        action._validate_action_result(REPLY)
    per_call = (time.process_time() - started) / args.repeat * 1000
    version = getattr(jsonschema, "__version__", "?")
    print(f"jsonschema {version}: {per_call:.2f} ms CPU per action-server reply ({args.repeat} calls)")


if __name__ == "__main__":
    main()
