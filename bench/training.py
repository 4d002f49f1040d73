"""Training times: the bare `rasa init` bot (created once under var/bench/bare) and ours.

Training is never repeated by default. The bare bot's time is measured when `rasa init`
creates it and kept next to it; ours is measured only with `--retrain` (cold Rasa cache,
into a scratch directory, so models/ is never touched) and kept in var/bench/.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, Optional

from bench.procs import BIN, ROOT, server_env

BENCH_VAR = ROOT / "var" / "bench"
BARE_DIR = BENCH_VAR / "bare"
BARE_RECORD = BENCH_VAR / "bare.json"
OURS_RECORD = BENCH_VAR / "train-ours.json"
TRAIN_TIMEOUT_S = 1200


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _read(path: Path) -> Optional[Dict[str, Any]]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _timed(argv: list, cwd: Path, env: Dict[str, str], log: Path) -> float:
    started = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=TRAIN_TIMEOUT_S, check=False
        )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed (code {result.returncode}), see {log}:\n{log.read_text()[-2000:]}")
    return time.perf_counter() - started


def bare_model() -> Optional[Path]:
    models = sorted((BARE_DIR / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def ensure_bare_bot(log: Callable[[str], None] = print) -> Dict[str, Any]:
    """Create the bare bot with `rasa init --no-prompt` unless it already exists; return its training record."""
    record = _read(BARE_RECORD)
    if record and bare_model() is not None:
        return {**record, "source": "recorded in var/bench/bare.json (bare bot reused)"}
    if BARE_DIR.exists():  # a half-made bare bot from an interrupted run: start over
        shutil.rmtree(BARE_DIR)
    BARE_DIR.mkdir(parents=True)
    log(">> creating the bare bot: rasa init --no-prompt --init-dir var/bench/bare (trains a model, timed)")
    env = server_env(BARE_DIR, RASA_CACHE_DIRECTORY=str(BARE_DIR / ".rasa" / "cache"))
    argv = [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(BARE_DIR)]
    seconds = _timed(argv, ROOT, env, BENCH_VAR / "bare-init.log")
    if bare_model() is None:
        raise RuntimeError("rasa init finished without a model in var/bench/bare/models")
    record = {
        "seconds": round(seconds, 1),
        "measured_at": _now(),
        "how": "rasa init --no-prompt (scaffold + rasa train, cold cache)",
    }
    BARE_RECORD.write_text(json.dumps(record, indent=2) + "\n")
    return {**record, "source": "measured now (bare bot created in this run)"}


def _train_if_stale() -> ModuleType:
    """scripts/train_if_stale.py (a script, not a package): how the project fingerprints and trains."""
    spec = importlib.util.spec_from_file_location("_train_if_stale", ROOT / "scripts" / "train_if_stale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source_fingerprint() -> Optional[str]:
    """The fingerprint scripts/train_if_stale.py names models after (None if it cannot be computed)."""
    try:
        return str(_train_if_stale().fingerprint())
    except Exception:  # noqa: BLE001 - a report field, never a reason to stop
        return None


def model_freshness(model: Path) -> Dict[str, Any]:
    fingerprint = source_fingerprint()
    up_to_date = fingerprint is not None and model.name == f"tpc-{fingerprint}.tar.gz"
    return {
        "model": str(model.relative_to(ROOT)) if model.is_relative_to(ROOT) else str(model),
        "sources_fingerprint": fingerprint,
        "model_matches_sources": up_to_date,
    }


def retrain(log: Callable[[str], None] = print) -> Dict[str, Dict[str, Any]]:
    """Train both bots from scratch (cold cache, scratch output dir) and record the times."""
    results: Dict[str, Dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="tpc-bench-train-") as tmp:
        scratch = Path(tmp)
        log(">> --retrain: training our bot (cold cache, output in a scratch dir; models/ untouched)")
        env = server_env(ROOT, RASA_CACHE_DIRECTORY=str(scratch / "cache-ours"))
        argv = _train_if_stale().train_command("bench", scratch / "ours")
        seconds = _timed(argv, ROOT, env, BENCH_VAR / "train-ours.log")
        ours = {
            "seconds": round(seconds, 1),
            "measured_at": _now(),
            "sources_fingerprint": source_fingerprint(),
            "how": "scripts/train_if_stale.py's rasa train command, cold cache",
        }
        OURS_RECORD.write_text(json.dumps(ours, indent=2) + "\n")
        results["ours"] = {**ours, "source": "measured now (--retrain)"}
        log(">> --retrain: training the bare bot (cold cache)")
        env = server_env(BARE_DIR, RASA_CACHE_DIRECTORY=str(scratch / "cache-bare"))
        argv = [str(BIN / "rasa"), "train", "--out", str(scratch / "bare")]
        seconds = _timed(argv, BARE_DIR, env, BENCH_VAR / "train-bare.log")
        bare = {"seconds": round(seconds, 1), "measured_at": _now(), "how": "rasa train in var/bench/bare, cold cache"}
        BARE_RECORD.write_text(json.dumps(bare, indent=2) + "\n")
        results["bare"] = {**bare, "source": "measured now (--retrain)"}
    return results


def recorded_ours(current_fingerprint: Optional[str]) -> Dict[str, Any]:
    """Our training time without training: scripts/train_if_stale.py prints it but records nothing in models/."""
    record = _read(OURS_RECORD)
    if not record:
        return {
            "seconds": None,
            "source": "not measured: models/ holds no training time (scripts/train_if_stale.py only prints it); "
            "run `python -m bench.run --retrain` once to record it",
        }
    same = record.get("sources_fingerprint") == current_fingerprint
    note = "recorded by an earlier `bench.run --retrain`" + ("" if same else " for different sources (data/config changed since)")
    return {**record, "source": note}
