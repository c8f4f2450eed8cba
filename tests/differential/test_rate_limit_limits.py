"""Differential tests: the `rate-limit` lab against the Python `limits` library (5.x).

The lab's sliding log is what `limits` calls a moving window, its sliding-window counter is
`limits`' `SlidingWindowCounterRateLimiter`, and its fixed window "from first request" is `limits`'
`FixedWindowRateLimiter` (the counter's expiry is set by the first hit, so the window opens at the
first request and again at the first request after it expires); all three are replayed here with
`MemoryStorage` on the same timelines and must take the same decisions, request by request.

`limits` reads the clock through `time.time()` (in `limits.storage.memory` and in the strategies),
so the tests drive time by monkeypatching `time.time`. The fake clock starts at a multiple of the
window (so `limits`' windows, which are aligned to the epoch, line up with the lab's windows, which
are aligned to t = 0) and well after zero (`limits` derives the previous window's key from
`now - expiry`, which is meaningless before the first window ends).

Floating point: `limits` computes with floats, the lab with whole milliseconds. To compare like
with like, the random timelines use windows that are powers of two and timestamps on a 1/8 s grid,
where every float operation `limits` does is exact, so ties (a request exactly one window old, an
estimate that is exactly a whole number) are decided the same way on both sides instead of by
rounding.

The lab's other fixed window, aligned to the clock (the boundary-burst lesson), has no `limits`
counterpart; the last tests pin that `limits`' fixed window is the first-request one and not the
clock-aligned one, on the boundary burst and on a burst around the first request's own boundary.

Run: `python3 -m pytest tests/differential/test_rate_limit_limits.py` after `cargo build`
(`AULA_LAB_BIN_DIR` overrides the binaries' folder, default `target/debug`).
"""

import json
import os
import random
import subprocess
import time
from pathlib import Path

import pytest
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)

ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("AULA_LAB_BIN_DIR", "target/debug"))
if not BIN_DIR.is_absolute():
    BIN_DIR = ROOT / BIN_DIR
LAB = BIN_DIR / "rate-limit"

LAB_SERIES = {
    MovingWindowRateLimiter: "Sliding log",
    SlidingWindowCounterRateLimiter: "Sliding-window counter",
    FixedWindowRateLimiter: "Fixed window (from first request)",
}


def run_lab(timestamps, limit, window):
    assert LAB.exists(), f"build the labs first: {LAB} is missing (set AULA_LAB_BIN_DIR)"
    request = {
        "lang": "en",
        "input": {
            "preset": "custom",
            "timestamps": ", ".join(repr(t) for t in timestamps),
            "limit": limit,
            "window": window,
        },
    }
    done = subprocess.run(
        [str(LAB)], input=json.dumps(request), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout
    return json.loads(done.stdout)


def lab_cumulative(answer, name):
    """Accepted requests after each distinct instant, from the lab's cumulative chart."""
    (chart,) = [b for b in answer["blocks"] if b["type"] == "series"]
    (series,) = [s for s in chart["series"] if s["name"] == name]
    after = {}
    for x, y in series["points"]:
        after[x] = y  # the last point at an instant is the count after it
    return after


def limits_cumulative(strategy, timestamps, limit, window, monkeypatch):
    """Replays the timeline through `limits` with a fake clock; accepted count after each instant."""
    base = float(window * 1000)
    now = {"t": base}
    monkeypatch.setattr(time, "time", lambda: now["t"])
    limiter = strategy(MemoryStorage())
    item = RateLimitItemPerSecond(limit, window)
    accepted = 0
    after = {}
    for t in sorted(timestamps):
        now["t"] = base + t
        if limiter.hit(item, "agent"):
            accepted += 1
        after[float(t)] = float(accepted)
    return after


def random_timeline(rng, window, count):
    # Bursty on purpose: clusters around window boundaries are where the algorithms differ.
    times = []
    for _ in range(count):
        if rng.random() < 0.5:
            boundary = window * rng.randint(1, 3)
            t = boundary + rng.randint(-16, 16) / 8
        else:
            t = rng.randint(0, 4 * window * 8) / 8
        times.append(max(t, 0.0))
    return sorted(times)


CASES = [(seed, window, limit) for seed in range(12) for window, limit in [(8, 3), (16, 5), (64, 10)]]


@pytest.mark.parametrize("strategy", list(LAB_SERIES))
@pytest.mark.parametrize("seed,window,limit", CASES)
def test_random_timelines_take_the_same_decisions(strategy, seed, window, limit, monkeypatch):
    rng = random.Random(seed * 1000 + window)
    timestamps = random_timeline(rng, window, 120)
    assert len(set(timestamps)) <= 150  # the lab charts every instant below this
    ours = lab_cumulative(run_lab(timestamps, limit, window), LAB_SERIES[strategy])
    theirs = limits_cumulative(strategy, timestamps, limit, window, monkeypatch)
    for t, count in theirs.items():
        assert ours[t] == count, f"after t={t}: lab {ours[t]}, limits {count}"


def test_exact_ties_are_decided_like_limits(monkeypatch):
    # A request exactly one window after an accepted one (the moving window still counts it), and
    # sliding-counter estimates that land exactly on whole numbers.
    timestamps = [0.0, 0.0, 4.0, 8.0, 8.0, 12.0, 16.0, 16.0, 20.0, 24.0]
    for strategy, name in LAB_SERIES.items():
        ours = lab_cumulative(run_lab(timestamps, 2, 8), name)
        theirs = limits_cumulative(strategy, timestamps, 2, 8, monkeypatch)
        assert {t: ours[t] for t in theirs} == theirs, name


def test_boundary_burst_matches_limits(monkeypatch):
    timestamps = [59.8] * 100 + [60.2] * 100
    answer = run_lab(timestamps, 100, 60)
    for strategy, name in LAB_SERIES.items():
        ours = lab_cumulative(answer, name)
        theirs = limits_cumulative(strategy, timestamps, 100, 60, monkeypatch)
        assert ours[60.2] == theirs[60.2], name
    # The moving window blocks the whole second burst; the counter's estimate at 60.2 s is
    # 100 × 59.8/60 ≈ 99.67, whose whole part is below 100, so one more request gets in.
    assert lab_cumulative(answer, "Sliding log")[60.2] == 100
    assert lab_cumulative(answer, "Sliding-window counter")[60.2] == 101


def test_limits_fixed_window_opens_at_the_first_request_not_at_the_clock(monkeypatch):
    # The boundary burst: `limits` opens its window at 59.8 s (→ 119.8 s) and blocks the second
    # burst, like the lab's first-request window; the clock-aligned window resets at 60 s and
    # lets all 200 through.
    timestamps = [59.8] * 100 + [60.2] * 100
    answer = run_lab(timestamps, 100, 60)
    theirs = limits_cumulative(FixedWindowRateLimiter, timestamps, 100, 60, monkeypatch)
    assert theirs[60.2] == 100
    assert lab_cumulative(answer, "Fixed window (from first request)")[60.2] == 100
    assert lab_cumulative(answer, "Fixed window (clock-aligned)")[60.2] == 200
    # Around the first-request window's own boundary (opened at 3 s, so it ends at 13 s) the
    # same shape passes `limits` and is held by the clock-aligned window [10, 20). (Every time
    # here, and each plus 10, is exact in binary, so no rounding decides the tie at 13 s.)
    timestamps = [3.0, 12.75, 12.875, 12.875, 12.875] + [13.125] * 5
    answer = run_lab(timestamps, 5, 10)
    theirs = limits_cumulative(FixedWindowRateLimiter, timestamps, 5, 10, monkeypatch)
    assert theirs[13.125] == 10
    assert lab_cumulative(answer, "Fixed window (from first request)")[13.125] == 10
    assert lab_cumulative(answer, "Fixed window (clock-aligned)")[13.125] == 6
