"""What one exercise reply costs the knowledge store: `python -m bench.knowledge_cost`.

In process, for the two ways an exercise reply is made (the checklist tap "None of these",
which the screening form answers with the steps in the same turn, and the hands-on delivery
action): the repository calls the reply makes, the SQL statements it sends (any engine), the
first reply of a fresh process (which loads the store) and the median of warm replies.
With `--server`: the resident memory of a real action server (`rasa run actions`) after start,
after its first exercise reply and after `--server-turns` more. Prints JSON; writes it to `--out` when given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List

import requests
import yaml

from bench.procs import BIN, LOOPBACK, ROOT, free_port, memory_mb, server_env

LOWER_BACK = {"areas_in_focus": ["lower_back"], "checklist_scope": "general", "checklist_areas": ["lower_back"]}
ASKED = {**LOWER_BACK, "requested_slot": "checklist_answer", "pending_request": "exercise"}


def load_domain() -> Dict[str, Any]:
    """The merged domain as the action server receives it (slots, forms, responses)."""
    merged: Dict[str, Any] = {"slots": {}, "forms": {}, "responses": {}}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for key in merged:
            merged[key].update(data.get(key) or {})
    return merged


def tracker_state(slots: Dict[str, Any], text: str, intent: str, active_loop: str = "") -> Dict[str, Any]:
    """A tracker as Rasa sends it to the action server."""
    all_slots: Dict[str, Any] = {name: None for name in load_domain()["slots"]}
    all_slots.update(slots)
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    return {
        "sender_id": "bench-knowledge",
        "slots": all_slots,
        "latest_message": latest,
        "events": [{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"}],
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": "action_listen",
    }


CLEARED = {**LOWER_BACK, "screening_outcome": "clear", "pending_request": "exercise", "shown_exercises": []}
#: scenario -> the action calls of that turn, in order
SCENARIOS = {
    # the bench's step "the checklist answered with one tap": the form's validation clears the
    # screening, then (a rule) the result action says so and gives the steps
    "checklist_tap": [
        (
            "validate_screening_form",
            tracker_state(ASKED, "/deny", "deny", "screening_form"),
        ),
        ("action_screening_result", tracker_state(CLEARED, "/deny", "deny")),
    ],
    # the steps alone, once screened
    "deliver_hands_on": [("action_deliver_hands_on", tracker_state(CLEARED, "/deny", "deny"))],
}


def _action(name: str) -> Any:
    from actions.advice.delivery import ActionDeliverHandsOn
    from actions.screening.form import ActionScreeningResult, ValidateScreeningForm

    actions = {"validate_screening_form": ValidateScreeningForm, "action_screening_result": ActionScreeningResult}
    return {**actions, "action_deliver_hands_on": ActionDeliverHandsOn}[name]()


def in_process(repeat: int) -> Dict[str, Any]:
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from knowledge.repository import KnowledgeRepository

    statements: List[str] = []
    event.listen(Engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    calls: Counter = Counter()
    for name, method in list(vars(KnowledgeRepository).items()):
        if callable(method) and not name.startswith("_") and not isinstance(method, classmethod | staticmethod):

            def counted(*args: Any, _name: str = name, _method: Callable[..., Any] = method, **kwargs: Any) -> Any:
                calls[_name] += 1
                return _method(*args, **kwargs)

            setattr(KnowledgeRepository, name, counted)
    domain = load_domain()

    async def reply(turn: List[Any]) -> float:
        dispatcher = CollectingDispatcher()
        elapsed = 0.0
        for action, state in turn:
            tracker = Tracker.from_dict(json.loads(json.dumps(state)))
            started = time.perf_counter()
            await action.run(dispatcher, tracker, domain)
            elapsed += time.perf_counter() - started
        kinds = [(m.get("custom") or {}).get("kind") for m in dispatcher.messages]
        assert "exercise" in kinds, f"no exercise reply: {dispatcher.messages}"
        return elapsed * 1000

    out: Dict[str, Any] = {}
    for index, (scenario, steps) in enumerate(SCENARIOS.items()):
        turn = [(_action(name), state) for name, state in steps]
        first = asyncio.run(reply(turn))
        calls.clear()
        statements.clear()
        asyncio.run(reply(turn))
        one = {"repository_calls": sum(calls.values()), "calls": dict(calls), "sql_statements": len(statements)}
        warm = [asyncio.run(reply(turn)) for _ in range(repeat)]
        out[scenario] = {
            **one,
            **({"first_reply_in_process_ms": round(first, 1)} if index == 0 else {}),
            "warm_median_ms": round(statistics.median(warm), 3),
            "warm_p90_ms": round(statistics.quantiles(warm, n=10)[-1], 3),
        }
    return out


def server_memory(replies: int) -> Dict[str, Any]:
    """RSS of `rasa run actions` after start, after one exercise reply and after `replies` more
    turns (each scenario's action calls in turn)."""
    port = free_port()
    token = secrets.token_urlsafe(16)  # the action server's shared secret (rasa_sdk_plugins/access.py)
    with tempfile.TemporaryDirectory() as workdir:
        env = server_env(
            ROOT,
            USERDATA_URL=f"sqlite:///{workdir}/userdata.db",
            USERDATA_KEY="bench-key",
            REMINDERS_ENABLED="false",
            ACTION_SERVER_TOKEN=token,
        )
        log = Path(workdir) / "actions.log"
        argv = [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)]
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        try:
            url = f"http://{LOOPBACK}:{port}"
            deadline = time.time() + 180
            while True:
                try:
                    if requests.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.time() > deadline or process.poll() is not None:
                    raise RuntimeError(log.read_text()[-2000:])
                time.sleep(0.5)
            time.sleep(2)
            after_start = memory_mb(process.pid)
            domain = load_domain()

            def call(name: str, state: Dict[str, Any]) -> List[Dict[str, Any]]:
                body = {"next_action": name, "sender_id": state["sender_id"], "tracker": state, "domain": domain}
                response = requests.post(f"{url}/webhook", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60)
                response.raise_for_status()
                return list(response.json()["responses"])

            started = time.perf_counter()
            first = call(*SCENARIOS["deliver_hands_on"][0])
            first_ms = (time.perf_counter() - started) * 1000
            assert any((r.get("custom") or {}).get("kind") == "exercise" for r in first)
            after_first = memory_mb(process.pid)
            turns = list(SCENARIOS.values())
            for index in range(replies):
                for name, state in turns[index % len(turns)]:
                    call(name, state)
            return {
                "after_start": after_start,
                "after_first_reply": after_first,
                f"after_{replies}_more_turns": memory_mb(process.pid),
                "first_reply_ms": round(first_ms, 1),
            }
        finally:
            process.terminate()
            process.wait(timeout=20)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="warm replies per scenario")
    parser.add_argument("--server", action="store_true", help="also measure a real action server's memory")
    parser.add_argument("--server-turns", type=int, default=300, help="turns sent to it before its last measurement")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    result: Dict[str, Any] = {"in_process": in_process(args.repeat)}
    if args.server:
        result["action_server_rss_mb"] = server_memory(args.server_turns)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
