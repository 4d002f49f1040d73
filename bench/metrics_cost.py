"""What the metrics cost: `python -m bench.metrics_cost` (`make bench` runs it after bench.run).

Two copies of this bot in one run, same model, same REST load (bench/conversations.py), one with
metrics and one without:
- on: the Rasa server has the observability channel (`/metrics`, every turn timed and counted)
  and the action server counts every call (METRICS_ENABLED=true); both `/metrics` pages are
  scraped every 5 s during the load by a process of its own, as Prometheus would (the compose
  stack's interval: deploy/prometheus/prometheus.yml; Kubernetes scrapes every 15 s);
- off: REST only on Rasa, METRICS_ENABLED=false on the action server.
Each level runs in rounds alternating the two (ABBA), so background load hits both alike.
Writes reports/bench-metrics.json and prints p50/p95 of each, the p95 ratio (target <= 1.02) and
the CPU time each process spent per turn. `--control` runs both copies without metrics: its
ratio is what this method reads when there is nothing to find (the noise of the machine).
A benchmark, not a test: the exit code is 0 whatever the numbers are, 2 only when it could not run.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import secrets
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List

import requests
import yaml

from bench.conversations import CHECKS, SCRIPTS, is_answer
from bench.load import LevelResult, run_level
from bench.procs import OUR_TRACKER_STORE, ROOT, Bot, load_average, server_env

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


def make_bots(workdir: Path, model: Path, tracker: str, control: bool) -> Dict[str, Bot]:
    token = secrets.token_hex(12)
    bots = {}
    for name in VARIANTS:
        on = name == "metrics_on" and not control
        env = server_env(
            ROOT,
            USERDATA_URL=f"sqlite:///{workdir / (name + '-userdata.db')}",
            USERDATA_KEY=token,
            REMINDERS_ENABLED="false",
            METRICS_ENABLED="true" if on else "false",
        )
        bots[name] = Bot(name, ROOT, model, credentials(workdir, on), workdir, env, tracker, token, store_type=OUR_TRACKER_STORE)
    return bots


def _scrape(urls: List[str], active: Any, stop: Any, scrapes: Any) -> None:
    """The scraping process: while `active` is set, GET every url, then wait SCRAPE_SECONDS."""
    session = requests.Session()  # one kept-alive connection per server, as Prometheus keeps
    while not stop.is_set():
        if not active.wait(0.2):
            continue
        for url in urls:
            try:
                if session.get(url, timeout=5).status_code == 200:
                    with scrapes.get_lock():
                        scrapes.value += 1
            except requests.RequestException:
                pass
        stop.wait(SCRAPE_SECONDS)


class Scraper:
    """Scrapes both /metrics pages of a bot from a process of its own (not a thread of this
    client, whose turn timings it would share the GIL with), during `scraping()` only."""

    def __init__(self, bot: Bot) -> None:
        context = multiprocessing.get_context("spawn")
        self.active, self.stop, self.scrapes = context.Event(), context.Event(), context.Value("i", 0)
        urls = [f"{bot.url}/metrics", f"http://127.0.0.1:{bot.actions_port}/metrics"]
        self.process = context.Process(target=_scrape, args=(urls, self.active, self.stop, self.scrapes), daemon=True)

    @contextmanager
    def scraping(self) -> Iterator[None]:
        self.active.set()
        try:
            yield
        finally:
            self.active.clear()

    def __enter__(self) -> Scraper:
        self.process.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop.set()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()


def one_round(bot: Bot, prefix: str, users: int, conversations: int) -> LevelResult:
    return run_level(bot.url, prefix, SCRIPTS["ours"], users, conversations, 300, CHECKS.get("ours"), bot.pids())


def measure(args: argparse.Namespace) -> Dict[str, Any]:
    started = time.perf_counter()
    load_start = load_average()
    latest = ROOT / "models" / "LATEST"
    model = ROOT / latest.read_text().strip()
    workdir = Path(tempfile.mkdtemp(prefix="tpc-bench-metrics-"))
    model = Path(shutil.copy2(model, workdir / model.name))
    bots = make_bots(workdir, model, args.tracker, args.control)
    raw: Dict[str, Dict[int, LevelResult]] = {name: {} for name in VARIANTS}
    run_id = datetime.now().strftime("%H%M%S") + secrets.token_hex(2)
    scraper = Scraper(bots["metrics_on"])
    try:
        for name in VARIANTS:
            log(f">> starting {name}{' (control: without metrics)' if args.control else ''}")
            bots[name].start(SCRIPTS["ours"][0][1], is_answer)
        served = {name: requests.get(f"{bot.url}/metrics", timeout=5).status_code for name, bot in bots.items()}
        if served != {"metrics_on": 404 if args.control else 200, "metrics_off": 404}:
            raise RuntimeError(f"/metrics answers {served}: the comparison would be wrong")
        for name, bot in bots.items():
            run_level(bot.url, f"{run_id}-{name}-warm", SCRIPTS["ours"], 1, args.warmup, 120, None, bot.pids())
        with scraper:
            for index, users in enumerate(args.levels):
                per_user = max(2, math.ceil(args.conversations / users))
                shares = [per_user // args.rounds + (1 if r < per_user % args.rounds else 0) for r in range(args.rounds)]
                for round_index, conversations in enumerate(c for c in shares if c):
                    order = list(VARIANTS) if (index + round_index) % 2 == 0 else list(reversed(VARIANTS))
                    for name in order:
                        bot = bots[name]
                        prefix = f"{run_id}-{name}-c{users}-r{round_index}"
                        if name == "metrics_on" and not args.control:
                            with scraper.scraping():
                                level = one_round(bot, prefix, users, conversations)
                        else:
                            level = one_round(bot, prefix, users, conversations)
                        raw[name][users] = raw[name][users].merge(level) if users in raw[name] else level
                line = []
                for name in VARIANTS:
                    summary = raw[name][users].summary()
                    line.append(
                        f"{name} p50 {summary['p50_ms']} ms p95 {summary['p95_ms']} ms "
                        f"({summary['ok_turns']} turns, {summary['errors']} errors, CPU ms a turn {summary['cpu_ms_per_turn']})"
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
        keep = ("users", "ok_turns", "errors", "p50_ms", "p95_ms", "mean_ms", "cpu_ms_per_turn")
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
            "load_average_start": load_start,
            "load_average_end": load_average(),
            "tracker_store": args.tracker,
            "rounds": args.rounds,
            "control": args.control,
            "scrapes_during_load": scraper.scrapes.value,
            "notes": [
                "same model, same script, closed loop (bench/load.py); rounds alternate the variants (ABBA)",
                "control: both copies run without metrics (the ratio is the method's noise)"
                if args.control
                else "metrics_on is scraped every 5 s during its rounds (both servers) by another process, as Prometheus is",
                "cpu_ms_per_turn: CPU time of each process (user + system, 10 ms ticks) over its rounds, per turn",
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
    parser.add_argument("--control", action="store_true", help="both copies without metrics: the method's own noise")
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
    with_metrics = "copy A (control: no metrics)" if args.control else "with metrics"
    for level in result["levels"]:
        log(
            f"{level['users']:>3} users: p95 {with_metrics} {level['metrics_on']['p95_ms']} ms, without "
            f"{level['metrics_off']['p95_ms']} ms, ratio {level['p95_on_over_off']} (target <= 1.02)"
        )
    log(f">> load average {result['meta']['load_average_start']} at the start, {result['meta']['load_average_end']} at the end")
    log(f">> {out / 'bench-metrics.json'} written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
