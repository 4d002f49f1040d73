"""What the metrics cost: `python -m bench.metrics_cost` (`make bench` runs it after bench.run).

Two copies of this bot in one run, same model, same REST load (bench/conversations.py), one with
metrics and one without:
- on: the Rasa server has the observability channel (`/metrics`, every turn timed and counted)
  and the action server counts every call (METRICS_ENABLED=true); both `/metrics` pages are
  scraped every 5 s during the load, as Prometheus would;
- off: REST only on Rasa, METRICS_ENABLED=false on the action server.
Each level runs in rounds alternating the two (ABBA), so background load hits both alike.
Writes reports/bench-metrics.json and prints p50/p95 of each and the p95 ratio (target <= 1.02).
A benchmark, not a test: the exit code is 0 whatever the numbers are, 2 only when it could not run.
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

import requests
import yaml

from bench.conversations import CHECKS, SCRIPTS, is_answer
from bench.load import LevelResult, run_level
from bench.procs import ROOT, Bot, load_average, server_env

VARIANTS = ("metrics_on", "metrics_off")
SCRAPE_SECONDS = 5.0


def log(message: str) -> None:
    print(message, flush=True)


def credentials(workdir: Path, with_metrics: bool) -> Path:
    channels = yaml.safe_load((ROOT / "credentials.yml").read_text()) or {}
    keep = {name: config for name, config in channels.items() if name.endswith("GuardedRestInput")}
    if with_metrics:
        keep.update({name: config for name, config in channels.items() if name.endswith("MetricsInput")})
    assert len(keep) == (2 if with_metrics else 1), f"credentials.yml changed: {sorted(channels)}"
    path = workdir / f"credentials-{'on' if with_metrics else 'off'}.yml"
    path.write_text(yaml.safe_dump(keep))
    return path


def make_bots(workdir: Path, model: Path, tracker: str) -> Dict[str, Bot]:
    token = secrets.token_hex(12)
    bots = {}
    for name in VARIANTS:
        on = name == "metrics_on"
        env = server_env(
            ROOT,
            USERDATA_URL=f"sqlite:///{workdir / (name + '-userdata.db')}",
            USERDATA_KEY=token,
            REMINDERS_ENABLED="false",
            METRICS_ENABLED="true" if on else "false",
        )
        bots[name] = Bot(name, ROOT, model, credentials(workdir, on), workdir, env, tracker, token)
    return bots


class Scraper:
    """GETs both /metrics pages of a bot every SCRAPE_SECONDS while a round runs."""

    def __init__(self, bot: Bot) -> None:
        self.urls = [f"{bot.url}/metrics", f"http://127.0.0.1:{bot.actions_port}/metrics"]
        self.stop = threading.Event()
        self.scrapes = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            for url in self.urls:
                try:
                    if requests.get(url, timeout=5).status_code == 200:
                        self.scrapes += 1
                except requests.RequestException:
                    pass
            self.stop.wait(SCRAPE_SECONDS)

    def __enter__(self) -> Scraper:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


def one_round(bot: Bot, prefix: str, users: int, conversations: int) -> LevelResult:
    return run_level(bot.url, prefix, SCRIPTS["ours"], users, conversations, 300, CHECKS.get("ours"), bot.pids())


def measure(args: argparse.Namespace) -> Dict[str, Any]:
    started = time.perf_counter()
    latest = ROOT / "models" / "LATEST"
    model = ROOT / latest.read_text().strip()
    workdir = Path(tempfile.mkdtemp(prefix="tpc-bench-metrics-"))
    model = Path(shutil.copy2(model, workdir / model.name))
    bots = make_bots(workdir, model, args.tracker)
    raw: Dict[str, Dict[int, LevelResult]] = {name: {} for name in VARIANTS}
    scrapes = 0
    run_id = datetime.now().strftime("%H%M%S") + secrets.token_hex(2)
    try:
        for name in VARIANTS:
            log(f">> starting {name}")
            bots[name].start(SCRIPTS["ours"][0][1], is_answer)
        if requests.get(f"{bots['metrics_off'].url}/metrics", timeout=5).status_code != 404:
            raise RuntimeError("metrics_off serves /metrics: the comparison would be wrong")
        for name, bot in bots.items():
            run_level(bot.url, f"{run_id}-{name}-warm", SCRIPTS["ours"], 1, args.warmup, 120, None, bot.pids())
        for index, users in enumerate(args.levels):
            per_user = max(2, math.ceil(args.conversations / users))
            shares = [per_user // args.rounds + (1 if r < per_user % args.rounds else 0) for r in range(args.rounds)]
            for round_index, conversations in enumerate(c for c in shares if c):
                order = list(VARIANTS) if (index + round_index) % 2 == 0 else list(reversed(VARIANTS))
                for name in order:
                    bot = bots[name]
                    prefix = f"{run_id}-{name}-c{users}-r{round_index}"
                    if name == "metrics_on":
                        with Scraper(bot) as scraper:
                            level = one_round(bot, prefix, users, conversations)
                        scrapes += scraper.scrapes
                    else:
                        level = one_round(bot, prefix, users, conversations)
                    raw[name][users] = raw[name][users].merge(level) if users in raw[name] else level
            line = []
            for name in VARIANTS:
                summary = raw[name][users].summary()
                line.append(
                    f"{name} p50 {summary['p50_ms']} ms p95 {summary['p95_ms']} ms "
                    f"({summary['ok_turns']} turns, {summary['errors']} errors)"
                )
            log(f"   {users:>3} users: " + "; ".join(line))
    finally:
        for bot in bots.values():
            bot.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    levels = []
    for users in args.levels:
        on, off = raw["metrics_on"][users].summary(), raw["metrics_off"][users].summary()
        ratio = round(on["p95_ms"] / off["p95_ms"], 3) if on["p95_ms"] and off["p95_ms"] else None
        keep = ("users", "ok_turns", "errors", "p50_ms", "p95_ms", "mean_ms")
        levels.append(
            {
                "users": users,
                "metrics_on": {k: on[k] for k in keep},
                "metrics_off": {k: off[k] for k in keep},
                "p95_on_over_off": ratio,
            }
        )
    return {
        "meta": {
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "duration_s": round(time.perf_counter() - started, 1),
            "load_average_end": load_average(),
            "tracker_store": args.tracker,
            "rounds": args.rounds,
            "scrapes_during_load": scrapes,
            "notes": [
                "same model, same script, closed loop (bench/load.py); rounds alternate the variants (ABBA)",
                "metrics_on is scraped every 5 s during its rounds (both servers), as Prometheus would",
                "target: p95_on_over_off <= 1.02; on a shared 2-core machine the run-to-run noise is larger than that",
            ],
        },
        "levels": levels,
    }


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.metrics_cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,5", help="concurrency levels, comma separated (default 1,5)")
    parser.add_argument("--conversations", type=int, default=8, help="conversations per level, split over the users (default 8)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds per level, alternating the variants (default 4)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up conversations per variant, not counted")
    parser.add_argument("--tracker", choices=["sqlite", "memory"], default="sqlite")
    parser.add_argument("--out", default=str(ROOT / "reports"))
    args = parser.parse_args(argv)
    args.levels = [int(u) for u in args.users.split(",") if u.strip()]
    try:
        result = measure(args)
    except (RuntimeError, OSError, requests.RequestException) as exc:
        log(f">> the metrics benchmark could not run: {exc}")
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench-metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    for level in result["levels"]:
        log(
            f"{level['users']:>3} users: p95 with metrics {level['metrics_on']['p95_ms']} ms, without "
            f"{level['metrics_off']['p95_ms']} ms, ratio {level['p95_on_over_off']} (target <= 1.02)"
        )
    log(f">> {out / 'bench-metrics.json'} written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
