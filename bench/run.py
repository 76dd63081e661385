"""Benchmark renewal-score at portfolio scale, each figure beside a baseline measured in the
same run. Run from the repository's root, in the project's virtualenv:

    python bench/run.py              # the full benchmark (about 10 minutes on 2 cores)
    python bench/run.py --quick      # a smoke run of every measurement (seconds)

It writes a synthetic portfolio (S subjects x C criteria in P priorities, N evidence records
as JSON Lines; fixed seed) to a temporary folder and measures whole processes, as medians of
repeated runs, with their peak resident memory:

1. ingest + validate + score every subject (``renewal-score compare --format json``) at the
   largest N, against parsing the same file with the standard json module alone;
2. the same at each N, and the slope of log(time) against log(N) (1.0 = linear);
3. ``renewal-score sensitivity`` with 10,000 samples on 1,000 subjects x 30 criteria (one
   evidence record per subject and criterion: the peers' decision matrix), against the bare
   numpy operations of that workload (weighted sums, percentiles, rank-1 counts); and the
   same command with the largest N, and its analysis stage alone;
4. the cold start of ``renewal-score report`` on the default data, against
   ``python -c "import pydantic, pluggy, tabulate"``, with bytecode caches in place.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

PYTHON = sys.executable
SEED = 20250430
LEVELS = ("none", "declared", "agreed", "implemented", "institutionalized")
GRADES = [f"{r}{c}" for r in "ABCDEF" for c in "123456"]


def write_portfolio(folder: Path, subjects: int, criteria: int, priorities: int) -> Path:
    """The agenda of the synthetic portfolio: priorities, criteria with rubrics, subjects."""
    lines = []
    for p in range(priorities):
        lines += ["[[priorities]]", f'id = "p{p}"', f'title = "Priority {p}"', ""]
    for c in range(criteria):
        lines += [
            "[[criteria]]",
            f'id = "p{c % priorities}.c{c}"',
            f'priority = "p{c % priorities}"',
            f'title = "Criterion {c}"',
            f"weight = {1 + c % 3}",
            "",
        ]
        for index, level in enumerate(LEVELS):
            lines += [
                "[[criteria.rubric]]",
                f'id = "{level}"',
                f'label = "{level.title()}"',
                f'description = "Level {index}."',
                f"needs_concrete = {'true' if index >= 3 else 'false'}",
                "",
            ]
    for s in range(subjects):
        lines += ["[[subjects]]", f'id = "s{s:05d}"', f'title = "Subject {s}"', ""]
    path = folder / "portfolio.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_evidence(
    folder: Path, records: int, subjects: int, criteria: int, priorities: int
) -> Path:
    """N evidence records as JSON Lines, each on a random subject and criterion (fixed seed)."""
    rng = random.Random(SEED)
    cells = ((rng.randrange(subjects), rng.randrange(criteria)) for _ in range(records))
    return _write_records(folder / f"evidence-{records}.jsonl", rng, cells, priorities)


def write_matrix(folder: Path, subjects: int, criteria: int, priorities: int) -> Path:
    """One evidence record per subject and criterion: the decision matrix of the peers'
    workload (alternatives x criteria), as evidence."""
    cells = ((s, c) for s in range(subjects) for c in range(criteria))
    return _write_records(folder / "matrix.jsonl", random.Random(SEED), cells, priorities)


def _write_records(
    path: Path, rng: random.Random, cells: Iterable[tuple[int, int]], priorities: int
) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i, (subject, c) in enumerate(cells):
            level = rng.randrange(len(LEVELS))
            concrete = level >= 3 or rng.random() < 0.5
            record = {
                "id": f"r{i:07d}",
                "subject": f"s{subject:05d}",
                "criterion": f"p{c % priorities}.c{c}",
                "date": f"{rng.randint(2000, 2024)}-{rng.randint(1, 12):02d}",
                "statement": f"Synthetic record {i}: an event that shows level {LEVELS[level]}.",
                "level": LEVELS[level],
                "effect": "setback" if rng.random() < 0.1 else "advance",
                "kind": "concrete" if concrete else "declaratory",
                "source": {"title": f"Source {rng.randrange(1000)}", "publisher": "Synthetic"},
                "grade": rng.choice(GRADES),
            }
            handle.write(json.dumps(record) + "\n")
    return path


def measure(
    command: Sequence[str], repeats: int, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Median wall time (s) and peak resident memory (MiB) of a whole process, over repeats."""
    seconds, memory = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds.append(time.perf_counter() - start)
        memory.append(usage.ru_maxrss / 1024)  # KiB on Linux
        if status != 0:
            raise SystemExit(f"benchmark command failed ({status}): {' '.join(command)}")
    return {"seconds": statistics.median(seconds), "mib": statistics.median(memory)}


def renewal_score(*args: str) -> list[str]:
    return [PYTHON, "-m", "renewal_score", *args]


JSON_FLOOR = (
    "import json, sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)\n"
)

NUMPY_FLOOR = """
import sys
import numpy as np
samples, subjects, criteria = (int(a) for a in sys.argv[1:4])
rng = np.random.default_rng(0)
scores = rng.uniform(0, 100, (subjects, criteria))
low, high = scores.min(axis=0), scores.max(axis=0)
normalised = (scores - low) / np.where(high > low, high - low, 1)
weights = rng.uniform(0.75, 1.25, (samples, criteria))
weights /= weights.sum(axis=1, keepdims=True)
results = np.empty((samples, subjects))
for start in range(0, samples, 500):
    results[start:start + 500] = weights[start:start + 500] @ normalised.T
median, p05, p95 = np.percentile(results, [50, 5, 95], axis=0)
first = np.bincount(results.argmax(axis=1), minlength=subjects) / samples
"""


ANALYSIS_ONLY = """
import sys
import numpy as np
from renewal_score.sensitivity import SensitivityProblem, SensitivitySettings, run_sensitivity
samples, subjects, criteria, priorities = (int(a) for a in sys.argv[1:5])
rng = np.random.default_rng(0)
scores = rng.uniform(0, 100, (3, subjects, criteria))
problem = SensitivityProblem(
    subjects=tuple(f"s{i}" for i in range(subjects)),
    priorities=tuple(f"p{i}" for i in range(priorities)),
    criteria=tuple(f"c{i}" for i in range(criteria)),
    membership=np.arange(criteria) % priorities,
    scores=scores,
    thresholds=(0.0, 0.36, 0.64),
    criterion_weights=np.ones(criteria),
    priority_weights=np.ones(priorities),
    targets=np.full(priorities, 75.0),
)
run_sensitivity(problem, SensitivitySettings(samples=samples, seed=1))
"""
"""The analysis stage of the sensitivity command alone, on criterion scores already computed."""


def run(quick: bool, repeats: int) -> dict[str, object]:
    sizes = [1_000, 10_000] if quick else [10_000, 100_000, 1_000_000]
    subjects, criteria, priorities = (50, 30, 5) if quick else (1_000, 30, 5)
    samples = 200 if quick else 10_000
    env = {**os.environ, "RENEWAL_SCORE_PLUGINS": ""}  # the synthetic agenda only
    results: dict[str, object] = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "memory_gib": _memory_gib(),
            "processor": platform.machine(),
        },
        "portfolio": {"subjects": subjects, "criteria": criteria, "priorities": priorities},
    }
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        agenda = write_portfolio(folder, subjects, criteria, priorities)
        scaling = []
        for size in sizes:
            evidence = write_evidence(folder, size, subjects, criteria, priorities)
            floor = measure([PYTHON, "-c", JSON_FLOOR, str(evidence)], repeats)
            ours = measure(
                renewal_score(
                    "compare",
                    "--evidence",
                    str(agenda),
                    "--evidence",
                    str(evidence),
                    "--as-of",
                    "2025-01-01",
                    "--format",
                    "json",
                ),
                repeats,
                env,
            )
            scaling.append(
                {
                    "records": size,
                    "json_floor": floor,
                    "renewal_score": ours,
                    "ratio": ours["seconds"] / floor["seconds"],
                }
            )
        results["ingest_validate_score"] = scaling
        (first, last) = scaling[0], scaling[-1]
        results["slope"] = math.log(
            last["renewal_score"]["seconds"] / first["renewal_score"]["seconds"]  # type: ignore[index]
        ) / math.log(last["records"] / first["records"])  # type: ignore[operator]
        numpy_floor = measure(
            [PYTHON, "-c", NUMPY_FLOOR, str(samples), str(subjects), str(criteria)], repeats
        )

        def sensitivity(evidence: Path) -> dict[str, float]:
            return measure(
                renewal_score(
                    "sensitivity",
                    *("--evidence", str(agenda), "--evidence", str(evidence)),
                    *("--as-of", "2025-01-01", "--samples", str(samples), "--seed", "1"),
                    *("--all-subjects", "--format", "json"),
                ),
                repeats,
                env,
            )

        matrix = sensitivity(write_matrix(folder, subjects, criteria, priorities))
        largest = sensitivity(folder / f"evidence-{sizes[-1]}.jsonl")
        analysis = measure(
            [
                PYTHON,
                "-c",
                ANALYSIS_ONLY,
                str(samples),
                str(subjects),
                str(criteria),
                str(priorities),
            ],
            repeats,
        )
        results["sensitivity"] = {
            "samples": samples,
            "numpy_floor": numpy_floor,
            "renewal_score": matrix,
            "ratio": matrix["seconds"] / numpy_floor["seconds"],
            "with_largest_evidence": {"records": sizes[-1], **largest},
            "analysis_only": analysis,
            "analysis_ratio": analysis["seconds"] / numpy_floor["seconds"],
        }
    results["cold_start"] = cold_start(repeats * 3)
    return results


def cold_start(repeats: int) -> dict[str, object]:
    """New processes with the bytecode caches a user's install has (one untimed run writes
    them, whatever PYTHONDONTWRITEBYTECODE says here), against the import floor; and the
    import of pydantic's BaseModel, which the floor leaves out (pydantic imports it lazily)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    imports = "import pydantic, pluggy, tabulate"
    floor = [PYTHON, "-c", imports]
    with_models = [PYTHON, "-c", f"{imports}; from pydantic import BaseModel"]
    for command in (floor, with_models, renewal_score("report")):
        measure(command, 1, env)
    import_floor = measure(floor, repeats, env)
    base_model = measure(with_models, repeats, env)
    report = measure(renewal_score("report"), repeats, env)
    return {
        "import_floor": import_floor,
        "import_with_base_model": base_model,
        "report": report,
        "ratio": report["seconds"] / import_floor["seconds"],
    }


def _memory_gib() -> float:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return round(pages / 2**30, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--repeats", type=int, default=None, help="runs per measurement (median)")
    args = parser.parse_args()
    repeats = args.repeats or (1 if args.quick else 3)
    print(json.dumps(run(args.quick, repeats), indent=2))


if __name__ == "__main__":
    main()
