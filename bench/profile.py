"""Where a turn's time goes inside the Rasa server: `python -m bench.profile [--bot ours|bare]`.

Runs the bot's Rasa server under cProfile (the action server as usual), plays a few
conversations at 1 user, stops the server cleanly so the profile is written, and prints the
share of message handling spent in NLU, policy prediction, tracker store, the HTTP calls to
the action server and Rasa's JSON-schema check of every action-server reply. cProfile adds
overhead and measures wall time, so read the shares, not the milliseconds. Not part of
`make bench`; a diagnosis aid when the benchmark shows a gap.
"""

from __future__ import annotations

import argparse
import pstats
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

import requests

from bench.conversations import SCRIPTS, is_answer
from bench.load import run_level
from bench.procs import OUR_TRACKER_STORE, ROOT, Bot, server_env
from bench.run import rest_only_credentials
from bench.training import BARE_DIR, bare_model

# (label, regex on "file:line(function)" of pstats keys); the rows do not nest in each other
BUCKETS = [
    ("NLU (parse_message)", r"rasa/core/processor\.py:\d+\(parse_message\)"),
    ("policy prediction", r"rasa/core/processor\.py:\d+\(_predict_next_with_tracker\)"),
    ("tracker store retrieve", r"rasa/core/tracker_store\.py:\d+\(retrieve\)"),
    ("tracker store save", r"rasa/core/tracker_store\.py:\d+\(save\)"),
    ("action server HTTP (client side, in process)", r"rasa/utils/endpoints\.py:\d+\(request\)"),
    ("jsonschema check of action replies", r"rasa/core/actions/action\.py:\d+\(_validate_action_result\)"),
]
TOTAL = r"rasa/core/processor\.py:\d+\(handle_message\)"


def _cumulative(stats: pstats.Stats, pattern: str, column: int = 3) -> float:
    """Largest cumulative time (column 3; column 1: the number of calls) among functions matching pattern."""
    regex = re.compile(pattern)
    best = 0.0
    # Stats.stats, pstats' raw table (file, line, function) -> (cc, nc, tt, ct, callers): typeshed leaves it out
    for (file, line, func), row in stats.stats.items():  # type: ignore[attr-defined]
        if regex.search(f"{file}:{line}({func})"):
            best = max(best, row[column])  # the outermost entry when wrappers share a name
    return best


def breakdown(profile: Path) -> Dict[str, float]:
    stats = pstats.Stats(str(profile))
    total = _cumulative(stats, TOTAL)
    shares = {label: _cumulative(stats, pattern) for label, pattern in BUCKETS}
    shares["handle_message total"] = total
    shares["action server calls"] = _cumulative(stats, BUCKETS[-1][1], column=1)
    return shares


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--bot", choices=["ours", "bare"], default="ours")
    parser.add_argument("--conversations", type=int, default=6, help="profiled conversations after 2 warm-up ones (1-30)")
    parser.add_argument("--tracker", choices=["sqlite", "memory"], default="sqlite")
    parser.add_argument("--save", type=Path, help="also keep the raw cProfile file here (for pstats / snakeviz)")
    args = parser.parse_args(argv)
    count = max(1, min(args.conversations, 30))
    workdir = Path(tempfile.mkdtemp(prefix="tpc-bench-profile-"))
    try:
        status = _profile(args.bot, args.tracker, count, workdir)
        if args.save and (workdir / "rasa.prof").exists():
            args.save.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(workdir / "rasa.prof", args.save)
        return status
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _profile(name: str, tracker: str, count: int, workdir: Path) -> int:
    profile = workdir / "rasa.prof"
    if name == "ours":
        credentials = rest_only_credentials(ROOT / "credentials.yml", workdir / "credentials.yml")
        env = server_env(ROOT)
        model = ROOT / (ROOT / "models" / "LATEST").read_text().strip()
        bot = Bot("ours", ROOT, model, credentials, workdir, env, tracker, "profile", store_type=OUR_TRACKER_STORE)
    else:
        bare = bare_model()
        if bare is None:
            print("no bare bot yet: run `python -m bench.run` once")
            return 2
        (workdir / "credentials.yml").write_text("rest:\n")
        bot = Bot("bare", BARE_DIR, bare, workdir / "credentials.yml", workdir, server_env(BARE_DIR), tracker, "profile")
    bot.rasa_prefix = [sys.executable, "-m", "cProfile", "-o", str(profile)]
    script = SCRIPTS[name]
    try:
        print(f">> starting {name} under cProfile (tracker: {tracker})")
        bot.start(script[0][1], is_answer)
        run_level(bot.url, "profile-warm", script, 1, 2, 120, None, bot.pids())
        summary = run_level(bot.url, "profile", script, 1, count, 300, None, bot.pids()).summary()
        if bot.rasa is not None:
            bot.rasa.send_signal(signal.SIGINT)  # Sanic stops, the script returns, cProfile writes the file
            bot.rasa.wait(timeout=120)
    except (RuntimeError, OSError, subprocess.SubprocessError, requests.RequestException) as exc:
        print(f">> profiling failed: {exc}")
        return 2
    finally:
        bot.stop()
    if not profile.exists():
        print(">> no profile written (Rasa did not exit cleanly)")
        return 2
    parts = breakdown(profile)
    total = parts.pop("handle_message total") or 1.0
    calls = parts.pop("action server calls")
    cpu = summary["cpu_ms_per_turn"]
    print(
        f"\n{summary['ok_turns']} turns, p50 {summary['p50_ms']} ms under cProfile, "
        f"CPU per turn: Rasa {cpu.get('rasa')} ms, action server {cpu.get('actions')} ms; "
        f"{calls / max(1, summary['ok_turns'] + 2 * len(script)):.1f} action-server calls per turn"
    )
    print("share of Rasa's message handling (profiled wall time):")
    for label, seconds in parts.items():
        print(f"  {label:<46} {100 * seconds / total:5.1f} %")
    print(f"  {'(rest: events, forms, domain, channel...)':<46} {100 * (1 - sum(parts.values()) / total):5.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
