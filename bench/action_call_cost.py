"""CPU cost of writing the JSON body of one action-server call: `python -m bench.action_call_cost`.

Rasa sends the session's events and the domain with every call (`RemoteAction._action_call_format`).
This writes such a body, the domain of this bot and a session of `--turns` turns, with the json
module (Rasa's own) and with `rasa_extensions.action_calls.request_body` (ujson).
"""

from __future__ import annotations

import json

from rasa.shared.core.domain import Domain

from bench.event_types_cost import TURN, cost_arguments, cpu_ms
from bench.procs import ROOT
from rasa_extensions.action_calls import request_body


def main() -> None:
    args = cost_arguments(__doc__.splitlines()[0], "turns in the session sent")
    events = TURN * args.turns
    body = {
        "next_action": "action_request_hands_on",
        "sender_id": "rest:bench",
        "tracker": {"events": events, "latest_message": events[0], "slots": {}},
        "domain": Domain.load(str(ROOT / "domain")).as_dict(),
        "version": "3.6",
    }
    size = len(json.dumps(body))
    stdlib, ours = cpu_ms(lambda: json.dumps(body), args.repeat), cpu_ms(lambda: request_body(body), args.repeat)
    print(f"a body of {size} bytes ({len(events)} events and the domain): json {stdlib:.3f} ms, ujson {ours:.3f} ms CPU")


if __name__ == "__main__":
    main()
