"""The metrics' own work, timed in this process: `python -m bench.metrics_micro`.

bench/metrics_cost.py measures whole turns; this measures the pieces the metrics add, each the
best of 5 timeit runs (the least disturbed by other work on the machine):
- Rasa, per turn: observability/channel.py's wrap of `handle_message` around a handler that
  does nothing (timing, counting, the JSON logs' binding);
- Rasa and the action server, per scrape: building the `/metrics` page;
- the action server, per call: the JSON logs' key (the first read of the body, which parses it),
  then the metric label and count on the same request (Sanic keeps the parsed body).
The action call is a realistic one: this bot's domain and a tracker of 32 events.
"""

from __future__ import annotations

import asyncio
import json
import timeit
from types import SimpleNamespace
from typing import Any, Callable, cast

from rasa.shared.core.domain import Domain
from sanic import Sanic
from sanic.compat import Header
from sanic.request import Request

from bench.procs import ROOT, load_average
from observability import channel, logs, metrics
from rasa_sdk_plugins import server_tasks

TURNS = 20_000
CALLS = 2_000


def best_us(action: Callable[[], Any], number: int) -> float:
    """Microseconds per call, the best of 5 runs."""
    return min(timeit.repeat(action, number=number, repeat=5)) / number * 1e6


def turn_overhead() -> tuple[float, float]:
    """(bare, wrapped) microseconds per turn around a handle_message that does nothing."""

    class Agent:
        async def handle_message(self, _message: Any) -> None:
            return None

    agent = Agent()
    app = SimpleNamespace(ctx=SimpleNamespace(agent=agent, input_channels=[SimpleNamespace(name=lambda: "rest")]))
    bare = agent.handle_message
    channel.count_turns(app)  # type: ignore[arg-type]
    wrapped = agent.handle_message
    metrics.prepare_rasa_metrics(["rest"])
    message = SimpleNamespace(input_channel="rest", sender_id="rest:bench-user-1")
    loop = asyncio.new_event_loop()

    async def many(handle: Callable[[Any], Any]) -> None:
        for _ in range(TURNS):
            await handle(message)

    def per_turn(handle: Callable[[Any], Any]) -> float:
        return best_us(lambda: loop.run_until_complete(many(handle)), 1) / TURNS

    try:
        return per_turn(bare), per_turn(wrapped)
    finally:
        loop.close()


def action_call_body() -> bytes:
    user = {
        "event": "user",
        "timestamp": 1.0,
        "text": "my neck hurts when I turn my head",
        "parse_data": {"intent": {"name": "x"}},
    }
    events = [user, {"event": "action", "timestamp": 1.0, "name": "action_listen"}] * 16
    tracker = {"sender_id": "rest:bench-user-1", "latest_input_channel": "rest", "events": events, "slots": {}}
    call = {"next_action": "action_screen", "sender_id": "rest:bench-user-1", "tracker": tracker, "version": "3.6"}
    call["domain"] = Domain.load(str(ROOT / "domain")).as_dict()
    return json.dumps(call).encode()


def main() -> None:
    bare, wrapped = turn_overhead()
    print(f"Rasa, a turn: {wrapped - bare:.1f} us (handle_message bare {bare:.1f} us, wrapped {wrapped:.1f} us)")
    page, _ = metrics.exposition()
    print(f"a scrape: {best_us(metrics.exposition, 200) / 1000:.2f} ms to build the page ({len(page)} bytes)")

    body = action_call_body()
    app = Sanic("bench_metrics_micro")

    def request() -> Request:
        made = Request(b"/webhook", Header({"content-type": "application/json"}), "1.1", "POST", cast(Any, None), app)
        made.body = body
        return made

    def log_key() -> Request:
        made = request()
        logs.unbind_conversation(logs.bind_conversation(*server_tasks.conversation_of(made)))
        return made

    parsed = log_key()
    label_us = best_us(lambda: server_tasks.action_name(parsed), CALLS * 10)
    count_us = best_us(lambda: metrics.ACTION_RUNS.labels(server_tasks.action_name(parsed)).inc(), CALLS * 10)
    print(
        f"action server, a call ({len(body) // 1024} KiB body): the log key and its parse {best_us(log_key, CALLS):.0f} us; "
        f"then the metric label {label_us:.1f} us, label and count {count_us:.1f} us"
    )
    print(f"load average {load_average()}")


if __name__ == "__main__":
    main()
