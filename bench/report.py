"""Ratios against the bare bot, the targets (issue #23's), the printed table and the PNG plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

P95_RATIO_MAX = 0.75  # p95 per turn at 1 user <= 0.75x the bare bot's
THROUGHPUT_RATIO_MIN = 1.5  # turns/s at 20 users >= 1.5x the bare bot's
RASA_CPU_MS_MAX = 12.0  # the Rasa server's CPU per turn, at every level
ACTIONS_CPU_MS_MAX = 3.0  # the action server's CPU per turn, at every level
RATIO_KEYS = ("p50_ms", "p95_ms", "max_ms", "turns_per_s", "rasa_cpu_bound_turns_per_s")


def _level(bot: Dict[str, Any], users: int) -> Optional[Dict[str, Any]]:
    return next((lv for lv in bot.get("levels", []) if lv["users"] == users), None)


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return round(a / b, 2) if a is not None and b else None


def ratios(ours: Dict[str, Any], bare: Dict[str, Any]) -> Dict[str, Any]:
    per_level = []
    for lv in ours.get("levels", []):
        other = _level(bare, lv["users"])
        if other is None:
            continue
        per_level.append(
            {
                "users": lv["users"],
                **{f"{k}_ratio": _ratio(lv[k], other[k]) for k in RATIO_KEYS},
            }
        )
    return {
        "per_level": per_level,
        "cold_start_ratio": _ratio(
            ours.get("cold_start", {}).get("cold_start_s"), bare.get("cold_start", {}).get("cold_start_s")
        ),
        "training_ratio": _ratio(ours.get("training", {}).get("seconds"), bare.get("training", {}).get("seconds")),
        "rss_total_ratio": _ratio(ours.get("rss_total_mb"), bare.get("rss_total_mb")),
    }


def targets(ours: Dict[str, Any], bare: Dict[str, Any]) -> List[Dict[str, Any]]:
    one, one_bare = _level(ours, 1), _level(bare, 1)
    twenty, twenty_bare = _level(ours, 20), _level(bare, 20)
    p95 = _ratio(one["p95_ms"], one_bare["p95_ms"]) if one and one_bare else None
    tps = _ratio(twenty["turns_per_s"], twenty_bare["turns_per_s"]) if twenty and twenty_bare else None
    tps_cpu = (
        _ratio(twenty["rasa_cpu_bound_turns_per_s"], twenty_bare["rasa_cpu_bound_turns_per_s"])
        if twenty and twenty_bare
        else None
    )
    errors = sum(lv["errors"] for lv in ours.get("levels", [])) if ours.get("levels") else None
    return [
        {
            "target": f"p95 per turn at 1 user <= {P95_RATIO_MAX}x bare",
            "measured_ratio": p95,
            "pass": None if p95 is None else p95 <= P95_RATIO_MAX,
        },
        {
            "target": f"throughput at 20 users >= {THROUGHPUT_RATIO_MIN}x bare",
            "measured_ratio": tps,
            "pass": None if tps is None else tps >= THROUGHPUT_RATIO_MIN,
            # the same ratio from Rasa CPU per turn: insensitive to other processes on the machine
            "cpu_normalised_ratio": tps_cpu,
        },
        _cpu_target(ours, "rasa", RASA_CPU_MS_MAX, "Rasa"),
        _cpu_target(ours, "actions", ACTIONS_CPU_MS_MAX, "action server"),
        {
            "target": "zero errors (our bot, all levels)",
            "measured_errors": errors,
            "pass": None if errors is None else errors == 0,
        },
    ]


def _cpu_target(ours: Dict[str, Any], process: str, limit: float, label: str) -> Dict[str, Any]:
    """CPU ms per turn of one of our processes at every level, against its limit."""
    measured = [lv.get("cpu_ms_per_turn", {}).get(process) for lv in ours.get("levels", [])]
    known = [value for value in measured if value is not None]
    return {
        "target": f"{label} CPU per turn <= {limit:g} ms at every level",
        "measured_ms": measured,
        "pass": None if not known else max(known) <= limit,
    }


def _measured(target: Dict[str, Any]) -> Any:
    return next((target[key] for key in ("measured_ratio", "measured_ms", "measured_errors") if key in target), None)


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return " / ".join(_fmt(item, 1) for item in value)
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def table(report: Dict[str, Any]) -> str:
    bots = report["bots"]
    lines = [
        f"{'bot':<5} {'users':>5} {'turns':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'turns/s':>8} {'errors':>6} "
        f"{'Rasa CPU ms/turn':>16} {'actions CPU ms/turn':>19} {'CPU-bound turns/s':>17} {'other procs CPU %':>17}"
    ]
    for name in ("ours", "bare"):
        for lv in bots[name].get("levels", []):
            cpu = lv.get("cpu_ms_per_turn", {})
            lines.append(
                f"{name:<5} {lv['users']:>5} {lv['ok_turns']:>6} {_fmt(lv['p50_ms']):>7} {_fmt(lv['p95_ms']):>7} "
                f"{_fmt(lv['max_ms']):>7} {_fmt(lv['turns_per_s'], 1):>8} {lv['errors']:>6} "
                f"{_fmt(cpu.get('rasa'), 1):>16} {_fmt(cpu.get('actions'), 1):>19} "
                f"{_fmt(lv.get('rasa_cpu_bound_turns_per_s'), 1):>17} {_fmt(lv.get('other_processes_cpu_pct')):>17}"
            )
    lines.append("")
    for name in ("ours", "bare"):
        bot = bots[name]
        cold, train = bot.get("cold_start", {}), bot.get("training", {})
        rss = bot.get("rss_mb", {})
        lines.append(
            f"{name:<5} cold start {_fmt(cold.get('cold_start_s'), 1)} s | training {_fmt(train.get('seconds'), 0)} s | "
            f"RSS Rasa {_fmt(rss.get('rasa', {}).get('rss_mb'), 0)} MB + "
            f"actions {_fmt(rss.get('actions', {}).get('rss_mb'), 0)} MB"
            f" | NLU parse p50 {_fmt(bot.get('nlu_parse', {}).get('p50_ms'), 1)} ms"
        )
    lines.append("")
    for t in report["targets"]:
        verdict = {True: "PASS", False: "FAIL", None: "not measured"}[t["pass"]]
        measured = _measured(t)
        shown = _fmt(measured, 2) if isinstance(measured, float) else _fmt(measured)
        extra = f" (from Rasa CPU per turn: {_fmt(t['cpu_normalised_ratio'], 2)})" if t.get("cpu_normalised_ratio") else ""
        lines.append(f"{verdict:<12} {t['target']}: measured {shown}{extra}")
    return "\n".join(lines)


def plot(report: Dict[str, Any], path: Path) -> None:
    import matplotlib  # noqa: PLC0415 - heavy import, only when plotting

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter  # noqa: PLC0415

    fig, (lat, thr) = plt.subplots(1, 2, figsize=(11, 4.2))
    colours = {"ours": "tab:blue", "bare": "tab:gray"}
    labels = {"ours": "Trigger Point Coach", "bare": "bare rasa init bot"}
    for name in ("ours", "bare"):
        levels = [lv for lv in report["bots"][name].get("levels", []) if lv["p50_ms"] is not None]
        users = [lv["users"] for lv in levels]
        lat.plot(users, [lv["p50_ms"] for lv in levels], "o-", color=colours[name], label=f"{labels[name]} p50")
        lat.plot(users, [lv["p95_ms"] for lv in levels], "s--", color=colours[name], label=f"{labels[name]} p95")
        thr.plot(users, [lv["turns_per_s"] for lv in levels], "o-", color=colours[name], label=labels[name])
    for ax, title, unit in ((lat, "latency per turn", "ms"), (thr, "throughput", "turns/s")):
        ax.set_xscale("log")
        ax.set_xlabel("concurrent users")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    levels_seen = sorted({lv["users"] for b in report["bots"].values() for lv in b.get("levels", [])})
    for ax in (lat, thr):
        ax.set_xticks(levels_seen)
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
    lat.set_yscale("log")
    lat.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    lat.yaxis.set_major_formatter(ScalarFormatter())
    lat.yaxis.set_minor_formatter(NullFormatter())
    verdicts = "; ".join(
        f"{t['target']}: {_fmt(_measured(t), 2)} {({True: 'PASS', False: 'FAIL', None: '-'})[t['pass']]}"
        for t in report["targets"]
    )
    fig.suptitle(f"REST load, closed loop, {report['meta']['cpus']} CPUs, {report['meta']['started_at']}\n{verdicts}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
