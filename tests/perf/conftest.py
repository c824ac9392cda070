"""Benchmarks. Timings are recorded, never asserted: each page's median latency is stored with its ratio to
a trivial view measured in the same run, in tests/perf/results/latest.json (`make bench`). Query counts are
deterministic, so tests here that assert them run in `make test` too; the timing tests carry the `bench`
marker and run only under `make bench`.
"""

import json
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

RESULTS_FILE = Path(__file__).parent / "results" / "latest.json"
_results: dict[str, dict] = {}


def median_seconds(fn, *, repeat: int = 15, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@pytest.fixture
def record_latency(client):
    """record_latency(name, url, **extra) times GET url against the trivial view and stores both."""

    def record(name: str, url: str, *, repeat: int = 15, **extra) -> dict:
        def get(target):
            response = client.get(target)
            assert response.status_code == 200, (target, response.status_code)

        trivial = median_seconds(lambda: get("/perf/trivial/"), repeat=repeat)
        page = median_seconds(lambda: get(url), repeat=repeat)
        entry = {
            "url": url,
            "median_ms": round(page * 1000, 2),
            "trivial_median_ms": round(trivial * 1000, 3),
            "ratio_to_trivial": round(page / trivial, 1),
            **extra,
        }
        _results[name] = entry
        return entry

    return record


@pytest.fixture
def record_result():
    """For figures that are not page latencies (e.g. PDF generation time and the portal's share of it)."""

    def record(name: str, **figures) -> None:
        _results[name] = figures

    return record


def pytest_sessionfinish(session, exitstatus):
    if not _results:
        return
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS_FILE.read_text()) if RESULTS_FILE.exists() else {}
    merged = {**previous.get("results", {}), **_results}
    RESULTS_FILE.write_text(
        json.dumps(
            {
                "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
                "results": dict(sorted(merged.items())),
            },
            indent=2,
        )
        + "\n"
    )
