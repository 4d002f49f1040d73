"""Load benchmark entry point: `python -m bench.run` (see bench/README.md).

Starts the bare `rasa init` bot and our bot (each: Rasa server + action server, SQLite tracker
store in a temp dir, loopback only), measures cold start, then runs the same closed-loop REST
load against both, level by level and alternating which bot goes first, so background load on
the machine hits both alike and the results can be read as ratios. Writes reports/bench.json
and reports/bench.png and prints a table. A benchmark, not a test: the exit code is 0 whatever
the numbers are, 2 only when it could not run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import requests
import yaml

from bench import report
from bench.conversations import CHECKS, SCRIPTS, is_answer
from bench.load import LevelResult, run_level
from bench.procs import OUR_TRACKER_STORE, ROOT, Bot, load_average, memory_mb, server_env
from bench.training import BARE_DIR, BENCH_VAR, bare_model, ensure_bare_bot, model_freshness, recorded_ours, retrain

DEFAULT_USERS = "1,5,20"
NLU_PROBE_ROUNDS = 3


def log(message: str) -> None:
    print(message, flush=True)


def default_conversations(users: int) -> int:
    """Conversations per virtual user: 12 at 1 user, 3 at 5, 2 at 20 (13 turns each)."""
    return max(2, math.ceil(12 / users))


def parse_args(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default=DEFAULT_USERS, help="concurrency levels, comma separated (default 1,5,20)")
    parser.add_argument(
        "--conversations",
        default="",
        help="conversations per virtual user for each level, comma separated (default: max(2, ceil(12/users)))",
    )
    parser.add_argument("--warmup", type=int, default=2, help="warm-up conversations per bot, not counted (default 2)")
    parser.add_argument("--rounds", type=int, default=2, help="split each level into this many rounds, alternating the bots")
    parser.add_argument("--level-timeout", type=float, default=150, help="seconds after which a level starts no new conversation")
    parser.add_argument("--max-minutes", type=float, default=9.5, help="stop the load after this long (--retrain not counted)")
    parser.add_argument(
        "--tracker",
        choices=["sqlite", "memory"],
        default="sqlite",
        help="tracker store for both bots (default sqlite in a temp dir, as `make run` uses)",
    )
    parser.add_argument("--retrain", action="store_true", help="measure training time of both bots (cold cache, minutes)")
    parser.add_argument("--out", default=str(ROOT / "reports"), help="where bench.json and bench.png go (default reports/)")
    parser.add_argument("--keep-workdir", action="store_true", help="keep the temp dir with the server logs and tracker DBs")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 10:
        parser.error("--rounds: 1 to 10")
    args.levels = list(dict.fromkeys(int(u) for u in args.users.split(",") if u.strip()))  # in order, each once
    if not args.levels or min(args.levels) < 1 or max(args.levels) > 200:
        parser.error("--users: 1 to 200 users per level")
    given = [int(c) for c in args.conversations.split(",") if c.strip()]
    if given and (len(given) != len(args.levels) or min(given) < 1 or max(given) > 100):
        parser.error("--conversations: one count (1-100) per level")
    args.per_user = given or [default_conversations(u) for u in args.levels]
    return args


def nlu_probe(bot: Bot, texts: List[str]) -> Dict[str, Any]:
    """Latency of NLU alone (POST /model/parse, sequential) for the messages of the script."""
    samples = []
    for _ in range(NLU_PROBE_ROUNDS):
        for text in texts:
            started = time.perf_counter()
            response = requests.post(f"{bot.url}/model/parse", params={"token": bot.token}, json={"text": text}, timeout=30)
            if response.status_code == 200:
                samples.append((time.perf_counter() - started) * 1000)
    if not samples:
        return {"n": 0}
    values = np.array(samples)
    return {
        "n": len(samples),
        "p50_ms": round(float(np.percentile(values, 50)), 1),
        "p95_ms": round(float(np.percentile(values, 95)), 1),
    }


def rest_only_credentials(source: Path, target: Path) -> Path:
    """The project's REST channel entry alone: the load uses only REST, and the other connectors need secrets."""
    try:
        channels = yaml.safe_load(source.read_text()) or {}
    except (OSError, yaml.YAMLError):
        channels = {}
    rest = {name: config for name, config in channels.items() if name == "rest" or name.lower().endswith("restinput")}
    target.write_text(yaml.safe_dump(rest or {"rest": None}))
    return target


def log_problems(bot: Bot, out: Path, had_errors: bool) -> List[str]:
    """ERROR/exception lines of the bot's server logs; with load errors, the logs are copied to out/bench-logs/."""
    lines: List[str] = []
    for label in ("rasa", "actions"):
        path = bot.workdir / f"{bot.name}-{label}.log"
        if not path.exists():
            continue
        text = path.read_text(errors="replace")
        lines += [
            f"{label}: {line.strip()[:300]}"
            for line in text.splitlines()
            if ("ERROR" in line or "Traceback" in line or "Exception" in line) and "Deprecat" not in line
        ]
        if had_errors:
            (out / "bench-logs").mkdir(parents=True, exist_ok=True)
            shutil.copy(path, out / "bench-logs" / path.name)
    return lines[:20]


def latest_model() -> Path:
    latest = ROOT / "models" / "LATEST"
    model = ROOT / latest.read_text().strip() if latest.exists() else latest
    if not model.is_file():
        raise RuntimeError("no trained model (models/LATEST): run `make train`")
    return model


def make_bots(workdir: Path, tracker: str, ours_model: Path) -> Dict[str, Bot]:
    model = bare_model()
    if model is None:
        raise RuntimeError("no bare model")
    bare_credentials = workdir / "bare-credentials.yml"
    bare_credentials.write_text("rest:\n")  # the init project's REST channel, without its unused `rasa:` entry
    ours_credentials = rest_only_credentials(ROOT / "credentials.yml", workdir / "ours-credentials.yml")
    token = secrets.token_hex(12)
    # a private copy: scripts/train_if_stale.py deletes superseded models, maybe while the benchmark runs
    ours_model = Path(shutil.copy2(ours_model, workdir / ours_model.name))
    return {
        "bare": Bot("bare", BARE_DIR, model, bare_credentials, workdir, server_env(BARE_DIR), tracker, token),
        "ours": Bot(
            "ours",
            ROOT,
            ours_model,
            ours_credentials,
            workdir,
            server_env(
                ROOT,
                USERDATA_URL=f"sqlite:///{workdir / 'userdata.db'}",  # a throw-away session log
                USERDATA_KEY=token,
                REMINDERS_ENABLED="false",
            ),
            tracker,
            token,
            store_type=OUR_TRACKER_STORE,
        ),
    }


def run(args: argparse.Namespace) -> Dict[str, Any]:
    started = time.perf_counter()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    run_id = datetime.now().strftime("%H%M%S") + secrets.token_hex(2)
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(Path(args.out) / "bench-logs", ignore_errors=True)  # logs of an earlier run's errors
    meta: Dict[str, Any] = {
        "started_at": started_at,
        "cpus": os.cpu_count(),
        "load_average_start": load_average(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "config": {
            "users": args.levels,
            "conversations_per_user": dict(zip(map(str, args.levels), args.per_user, strict=True)),
            "turns_per_conversation": {k: len(v) for k, v in SCRIPTS.items()},
            "warmup_conversations": args.warmup,
            "tracker_store": args.tracker,
            "rounds": args.rounds,
            "level_timeout_s": args.level_timeout,
        },
        "notes": [
            "closed loop: each virtual user sends the next turn as soon as the reply arrives (no think time); "
            "latency is client side (request sent to body read), from one aiohttp client on the same machine",
            "both bots run the same way: Rasa server + its own action server, tracker store as configured, loopback only; "
            "each level runs in rounds that alternate the bots (ABBA), so background load hits both alike; "
            "rasa_cpu_bound_turns_per_s = 1000 / Rasa CPU ms per turn, the ceiling of one Rasa process whatever else runs",
            "errors = non-200, timeouts/exceptions, empty replies or the channel's no-reply apology",
        ],
    }
    training = {"bare": ensure_bare_bot(log)}
    retrain_s = 0.0
    if args.retrain:
        retrain_began = time.perf_counter()
        training.update(retrain(log))
        retrain_s = time.perf_counter() - retrain_began  # not counted against --max-minutes
    latest = latest_model()
    freshness = model_freshness(latest)
    meta["model"] = freshness
    if not freshness["model_matches_sources"]:
        meta["notes"].append(
            "models/LATEST was trained from other sources than the current ones (fingerprint differs): "
            "the numbers are for that model; `make train` then rerun for the current sources"
        )
    if not args.retrain:
        training["ours"] = recorded_ours(freshness["sources_fingerprint"])

    workdir = Path(tempfile.mkdtemp(prefix="tpc-bench-"))
    try:
        bots = make_bots(workdir, args.tracker, latest)
    except OSError:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    results: Dict[str, Dict[str, Any]] = {
        name: {"model": bot.model.name, "training": training[name], "levels": []} for name, bot in bots.items()
    }
    raw: Dict[str, Dict[int, LevelResult]] = {name: {} for name in bots}
    try:
        for name in ("bare", "ours"):  # one at a time, so cold starts do not compete with each other
            log(f">> starting {name}: Rasa :{bots[name].rasa_port}, actions :{bots[name].actions_port}")
            results[name]["cold_start"] = bots[name].start(SCRIPTS[name][0][1], is_answer)
            log(f"   first answer after {results[name]['cold_start']['cold_start_s']} s")
        for name, bot in bots.items():
            if args.warmup:
                log(f">> warm-up {name}: {args.warmup} conversation(s), not counted")
                run_level(bot.url, f"{run_id}-{name}-warm", SCRIPTS[name], 1, args.warmup, args.level_timeout, None, bot.pids())
        for index, (users, per_user) in enumerate(zip(args.levels, args.per_user, strict=True)):
            # each level in rounds, alternating the bots (ABBA...), so drifting background load hits both alike
            shares = [per_user // args.rounds + (1 if r < per_user % args.rounds else 0) for r in range(args.rounds)]
            for round_index, conversations in enumerate(c for c in shares if c):
                order = ["bare", "ours"] if (index + round_index) % 2 == 0 else ["ours", "bare"]
                for name in order:
                    budget = args.max_minutes * 60 - (time.perf_counter() - started - retrain_s)
                    if budget < 5:
                        meta["notes"].append(f"{name} at {users} users, round {round_index + 1} skipped: --max-minutes reached")
                        continue
                    bot = bots[name]
                    if not bot.alive():
                        raise RuntimeError(f"{name} died during the load:\n{bot.log_tail('rasa')}")
                    prefix = f"{run_id}-{name}-c{users}-r{round_index}"
                    level = run_level(
                        bot.url,
                        prefix,
                        SCRIPTS[name],
                        users,
                        conversations,
                        min(args.level_timeout, budget),
                        CHECKS.get(name),
                        bot.pids(),
                    )
                    raw[name][users] = raw[name][users].merge(level) if users in raw[name] else level
            for name in ("bare", "ours"):
                if users not in raw[name]:
                    continue
                summary = raw[name][users].summary()
                results[name]["levels"].append(summary)
                log(
                    f"   {name:<4} {users:>3} users: {summary['ok_turns']} turns, p50 {summary['p50_ms']} ms, "
                    f"p95 {summary['p95_ms']} ms, {summary['turns_per_s']} turns/s, {summary['errors']} errors, "
                    f"other processes {summary['other_processes_cpu_pct']} % CPU"
                )
        for name, bot in bots.items():
            results[name]["rss_mb"] = {label: memory_mb(pid) for label, pid in bot.pids().items()}
            results[name]["rss_total_mb"] = round(sum(m["rss_mb"] for m in results[name]["rss_mb"].values()), 1)
            texts = sorted({text for _, text in SCRIPTS[name]})
            results[name]["nlu_parse"] = nlu_probe(bot, texts)
            if 1 in raw[name]:
                results[name]["per_step_p50_ms_1_user"] = raw[name][1].step_p50_ms()
    finally:
        for name, bot in bots.items():
            had_errors = any(lv["errors"] for lv in results[name]["levels"])
            results[name]["server_log_problems"] = log_problems(bot, Path(args.out), had_errors)
            if had_errors:
                meta["notes"].append(f"{name} had errors: its server logs are in {Path(args.out) / 'bench-logs'}")
        for bot in bots.values():
            bot.stop()
        if args.keep_workdir:
            log(f">> server logs and tracker DBs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    meta["load_average_end"] = load_average()
    meta["duration_s"] = round(time.perf_counter() - started, 1)
    full: Dict[str, Any] = {"meta": meta, "bots": results}
    full["ratios_ours_over_bare"] = report.ratios(results["ours"], results["bare"])
    full["targets"] = report.targets(results["ours"], results["bare"])
    return full


def _interrupted(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    # Ctrl-C or a kill (SIGTERM) unwinds through the `finally` that stops the servers this run started
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        result = run(args)
    except KeyboardInterrupt:
        log(">> interrupted")
        return 130
    except (RuntimeError, OSError, subprocess.SubprocessError, requests.RequestException) as exc:
        log(f">> the benchmark could not run: {exc}")
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(result, indent=2) + "\n")
    try:
        report.plot(result, out / "bench.png")
    except Exception as exc:  # noqa: BLE001 - a missing plot must not lose the numbers
        log(f">> plot failed: {exc}")
    log("")
    log(report.table(result))
    log(f"\n>> {out / 'bench.json'}, {out / 'bench.png'} written; run took {result['meta']['duration_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
