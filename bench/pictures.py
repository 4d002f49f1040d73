"""What a picture costs a turn: `python -m bench.pictures [--out reports/pictures.json]`.

In process, for the body map and every exercise's placement picture (replies/pictures.py):

- `cold_build_s` (and its CPU time): a fresh process with an empty cache directory draws them
  all (imports matplotlib, reads the figure): building every picture at once. Pictures are drawn
  lazily, on first use, so a start pays none of it; the first picture of a process pays the
  matplotlib import, each further new picture about 0.3 s;
- `first_from_disk_ms`: a fresh process whose cache directory is already filled gets its first
  picture (reads the figure data and one PNG from var/);
- `cached_ms`: what a channel adds to a turn once the picture is cached: the PNG bytes and the
  `data:` URL the widget and REST send (p50, p95, max over every picture, `--repeat` times).

The target (issue #24): a cached picture adds <= 20 ms to a turn; the first build <= 10 s.
Prints JSON; writes it to `--out` when given. A benchmark, not a test: exit code 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
CACHED_TARGET_MS = 20.0
BUILD_TARGET_S = 10.0


def _child(mode: str) -> None:
    """Run in a fresh process: draw everything (build) or fetch one picture (first)."""
    from replies.pictures import every_picture, figure_data, png

    pictures = every_picture()
    figure_data.cache_clear()  # the figure is read again inside the timing, as on a first turn
    start, cpu = time.perf_counter(), time.process_time()
    for picture in pictures if mode == "build" else pictures[1:2]:
        png(picture)
    print(json.dumps({"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu}))


def _fresh(mode: str, cache: Path) -> Dict[str, Any]:
    env = {**os.environ, "PICTURE_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "bench.pictures", "--child", mode]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure(repeat: int) -> Dict[str, Any]:
    from replies.pictures import data_url, every_picture, png

    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder) / "pictures"
        build = _fresh("build", cache)
        first = _fresh("first", cache)
        os.environ["PICTURE_CACHE_DIR"] = str(cache)
        pictures = every_picture()
        for picture in pictures:  # this process's memory, from the files just drawn
            png(picture)
        times: List[float] = []
        for _ in range(repeat):
            for picture in pictures:
                start = time.perf_counter()
                png(picture)
                data_url(picture)
                times.append((time.perf_counter() - start) * 1000)
        sizes = [len(png(p)) for p in pictures]
    times.sort()
    cached = {
        "p50": round(statistics.median(times), 3),
        "p95": round(times[int(0.95 * (len(times) - 1))], 3),
        "max": round(times[-1], 3),
        "samples": len(times),
    }
    return {
        "pictures": len(pictures),
        "png_kb": {"min": round(min(sizes) / 1024, 1), "max": round(max(sizes) / 1024, 1)},
        "cold_build_s": round(build["seconds"], 2),
        "cold_build_cpu_s": round(build["cpu_seconds"], 2),
        "first_from_disk_ms": round(first["seconds"] * 1000, 2),
        "cached_ms": cached,
        "targets": {
            f"cached picture <= {CACHED_TARGET_MS:g} ms a turn (p95)": cached["p95"] <= CACHED_TARGET_MS,
            f"first image build <= {BUILD_TARGET_S:g} s": build["seconds"] <= BUILD_TARGET_S,
        },
    }


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pictures", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="rounds over every picture for the cached timing (default 20)")
    parser.add_argument("--out", help="also write the JSON here (e.g. reports/pictures.json)")
    parser.add_argument("--child", choices=("build", "first"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    result = measure(args.repeat)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
