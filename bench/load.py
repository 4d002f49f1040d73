"""Closed-loop load over the REST channel: C virtual users, each running whole conversations.

Every virtual user is one asyncio task that sends a turn, waits for the reply, sends the next
(no think time), conversation after conversation; each conversation has its own sender id
(`<run>-<bot>-c<C>-u<user>-n<conversation>`), so a conversation never inherits an earlier
screening. Latency is measured on the client, request sent to reply body read. Bounded:
a fixed number of conversations per user and a deadline per level after which no new
conversation starts.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import aiohttp
import numpy as np

from bench.conversations import Turn, reply_error
from bench.procs import cpu_seconds, machine_cpu

REQUEST_TIMEOUT_S = 60


@dataclass
class TurnResult:
    step: str
    seconds: float
    error: str  # '' when the turn got a real answer


@dataclass
class LevelResult:
    users: int
    conversations_planned: int
    turns: List[TurnResult] = field(default_factory=list)
    conversations_done: int = 0
    content_failures: int = 0
    wall_s: float = 0.0
    truncated: bool = False
    cpu: Dict[str, float] = field(default_factory=dict)  # CPU seconds: <process>_cpu_s, machine_busy_s, other_s, span_s
    rounds: int = 0

    def merge(self, other: LevelResult) -> LevelResult:
        """Add another round of the same level (same bot, same users)."""
        self.turns += other.turns
        self.conversations_planned += other.conversations_planned
        self.conversations_done += other.conversations_done
        self.content_failures += other.content_failures
        self.wall_s += other.wall_s
        self.truncated = self.truncated or other.truncated
        for key, value in other.cpu.items():
            self.cpu[key] = self.cpu.get(key, 0.0) + value
        self.rounds += other.rounds
        return self

    def summary(self) -> Dict[str, Any]:
        ok = np.array([t.seconds for t in self.turns if not t.error]) * 1000
        errors: Dict[str, int] = {}
        error_steps: Dict[str, int] = {}
        for t in self.turns:
            if t.error:
                errors[t.error] = errors.get(t.error, 0) + 1
                error_steps[t.step] = error_steps.get(t.step, 0) + 1
        n_ok = int(ok.size)
        stats: Dict[str, Optional[float]] = {k: None for k in ("p50_ms", "p95_ms", "max_ms", "mean_ms")}
        if n_ok:
            stats = {
                "p50_ms": round(float(np.percentile(ok, 50)), 1),
                "p95_ms": round(float(np.percentile(ok, 95)), 1),
                "max_ms": round(float(ok.max()), 1),
                "mean_ms": round(float(ok.mean()), 1),
            }
        per_turn = {k: round(v * 1000 / n_ok, 1) for k, v in self.cpu.items() if k.endswith("_cpu_s")} if n_ok else {}
        span = self.cpu.get("span_s") or 0.0
        rasa_ms = per_turn.get("rasa_cpu_s")
        return {
            "users": self.users,
            "conversations": self.conversations_done,
            "conversations_planned": self.conversations_planned,
            "turns": len(self.turns),
            "ok_turns": n_ok,
            "errors": sum(errors.values()),
            "error_kinds": errors,
            "error_steps": error_steps,
            "content_check_failures": self.content_failures,
            **stats,
            "turns_per_s": round(n_ok / self.wall_s, 2) if self.wall_s else None,
            "wall_s": round(self.wall_s, 2),
            "truncated_by_deadline": self.truncated,
            "cpu_ms_per_turn": {k.replace("_cpu_s", ""): v for k, v in per_turn.items()},
            # Rasa serves on one event loop: about one core's worth of turns at most, whatever else runs
            "rasa_cpu_bound_turns_per_s": round(1000 / rasa_ms, 1) if rasa_ms else None,
            "machine_cpu_busy_pct": round(100 * self.cpu.get("machine_busy_s", 0.0) / span, 1) if span else None,
            "other_processes_cpu_pct": round(100 * self.cpu.get("other_s", 0.0) / span, 1) if span else None,
            "rounds": self.rounds,
        }

    def step_p50_ms(self) -> Dict[str, float]:
        steps: Dict[str, List[float]] = {}
        for t in self.turns:
            if not t.error:
                steps.setdefault(t.step, []).append(t.seconds * 1000)
        return {step: round(float(np.percentile(values, 50)), 1) for step, values in steps.items()}


async def _turn(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None) if response.status == 200 else await response.text()
            seconds = time.perf_counter() - started
            if response.status != 200:
                return seconds, f"http_{response.status}", None
            return seconds, reply_error(body), body
    except asyncio.TimeoutError:
        return time.perf_counter() - started, "timeout", None
    except (aiohttp.ClientError, ValueError) as exc:
        return time.perf_counter() - started, f"exception_{type(exc).__name__}", None


async def _user(
    session: aiohttp.ClientSession,
    url: str,
    prefix: str,
    script: List[Turn],
    conversations: int,
    deadline: float,
    check: Optional[Callable[[Dict[str, Any]], bool]],
    result: LevelResult,
) -> None:
    for n in range(conversations):
        if time.perf_counter() > deadline:
            result.truncated = True
            return
        sender = f"{prefix}-n{n}"
        replies: Dict[str, Any] = {}
        for step, text in script:
            seconds, error, body = await _turn(session, url, sender, text)
            result.turns.append(TurnResult(step, seconds, error))
            replies[step] = body or []
        result.conversations_done += 1
        if check is not None and not check(replies):
            result.content_failures += 1


def run_level(
    base_url: str,
    prefix: str,
    script: List[Turn],
    users: int,
    per_user: int,
    max_seconds: float,
    check: Optional[Callable[[Dict[str, Any]], bool]],
    pids: Dict[str, int],
) -> LevelResult:
    """One load level; also the CPU seconds the bot's processes, this client and the rest of the machine used meanwhile."""

    async def level() -> LevelResult:
        url = f"{base_url}/webhooks/rest/webhook"
        result = LevelResult(users, users * per_user)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        connector = aiohttp.TCPConnector(limit=users + 2)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            started = time.perf_counter()
            deadline = started + max_seconds
            tasks = [_user(session, url, f"{prefix}-u{u}", script, per_user, deadline, check, result) for u in range(users)]
            await asyncio.gather(*tasks)
            result.wall_s = time.perf_counter() - started
        return result

    before = {label: cpu_seconds(pid) for label, pid in pids.items()}
    busy0, total0 = machine_cpu()
    client0 = sum(os.times()[:2])
    result = asyncio.run(level())
    busy1, total1 = machine_cpu()
    client = sum(os.times()[:2]) - client0
    used = {f"{label}_cpu_s": cpu_seconds(pid) - before[label] for label, pid in pids.items()}
    used["client_cpu_s"] = client
    machine_busy = busy1 - busy0
    other = max(0.0, machine_busy - sum(used.values()))
    span = max(total1 - total0, 1e-9)  # CPU-seconds available on all cores during the level
    result.cpu = {**used, "machine_busy_s": machine_busy, "other_s": other, "span_s": span}
    result.rounds = 1
    return result
