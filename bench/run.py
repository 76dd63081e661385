"""Benchmark renewal-score at portfolio scale, each figure beside its floor measured in the
same run, run for run. From the repository's root, in the project's virtualenv:

    python bench/run.py              # the full benchmark (about 30 minutes on 2 cores)
    python bench/run.py --quick      # a smoke run of every measurement (a minute)
    python bench/run.py --only sensitivity,cold_start    # some groups of rows alone

Every figure is a whole process: the median wall time over repeated runs, each run of a
command right after a run of its floor (so that both see the same load), with the peak
resident memory of each. The realistic rows are run round by round, and a file's floor is
the median of all its runs in the group. Two portfolios are written to a temporary folder:

- *realistic*: the project's own evidence (``renewal-score evidence --format jsonl``)
  repeated with new ids and event ids over 1,000 subjects, with the built-in criteria:
  statements, sources and notes of real length, some non-ASCII, events of several reports;
- *synthetic*: S subjects x C criteria in P priorities with 5-level rubrics and N short
  records without events (fixed seed).

Groups of rows (``--only``):

- ``realistic``: ``report``, ``compare`` and ``validate`` at the largest N, each against
  ``json.loads`` per line of the same file; and ``validate`` and ``report`` of the same file
  with one invalid record at its end;
- ``synthetic``: ``compare`` at each N (and the slope of log time on log N: 1 is linear);
- ``sensitivity``: ``sensitivity --samples 10000 --all-subjects`` on 1,000 subjects x 30
  criteria (one record per subject and criterion), against the bare numpy arithmetic of
  the same workload, that arithmetic with each criterion's score drawn from a belief (the
  evidence input), and a pymcdm WSM loop on the same matrix (when pymcdm is installed:
  ``pip install pymcdm``; run on a tenth of the samples, as it is linear in them);
- ``cold_start``: ``renewal-score report`` on the default data against
  ``import pydantic, pluggy, tabulate``, with bytecode caches in place; beside it the same
  report with the fewest Monte Carlo draws (what the certainty figures cost) and the models
  module alone validating one record (the least a report reading evidence must import).
"""

from __future__ import annotations

import argparse
import importlib.util
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
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

PYTHON = sys.executable
SEED = 20250430
LEVELS = ("none", "declared", "agreed", "implemented", "institutionalized")
GRADES = [f"{r}{c}" for r in "ABCDEF" for c in "123456"]
GROUPS = ("realistic", "synthetic", "sensitivity", "cold_start")
Figure = dict[str, float]
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Every run may write bytecode caches, as an installed package has them."""


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


def write_realistic(folder: Path, records: int, subjects: int) -> tuple[Path, Path]:
    """The project's exported evidence repeated to N records over the subjects (each copy
    with new ids and event ids, on the next subject), and a file declaring the subjects."""
    exported = subprocess.run(
        renewal_score("evidence", "--format", "jsonl"), capture_output=True, check=True
    ).stdout.decode("utf-8")
    originals = [json.loads(line) for line in exported.splitlines()]
    path = folder / f"realistic-{records}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(records):
            copy, index = divmod(i, len(originals))
            record = {**originals[index], "id": f"{originals[index]['id']}.{copy}"}
            record["subject"] = f"R{copy % subjects:04d}"
            if record.get("event"):
                record["event"] = f"{record['event']}.{copy}"
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    declared = [{"id": f"R{s:04d}", "title": f"Relationship {s}"} for s in range(subjects)]
    subjects_file = folder / "subjects.json"
    subjects_file.write_text(json.dumps({"subjects": declared}), encoding="utf-8")
    return path, subjects_file


def with_invalid_record(path: Path) -> Path:
    """The file with one invalid record (an unknown grade) appended as its last line."""
    with path.open("rb") as source:
        source.seek(max(0, path.stat().st_size - (1 << 16)))
        last = json.loads(source.read().rsplit(b"\n", 2)[-2])
    invalid = path.with_name("invalid-" + path.name)
    with path.open("rb") as source, invalid.open("wb") as target:
        while block := source.read(1 << 24):
            target.write(block)
        target.write(json.dumps({**last, "id": "invalid-record", "grade": "Z9"}).encode() + b"\n")
    return invalid


def run_once(command: Sequence[str], env: dict[str, str] | None, status: int) -> Figure:
    """Wall time (s) and peak resident memory (MiB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or ENVIRONMENT
    )
    _, code, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(code) != status:
        raise SystemExit(f"benchmark command exited {code}, not {status}: {' '.join(command)}")
    return {"seconds": seconds, "mib": usage.ru_maxrss / 1024}  # KiB on Linux


def median(figures: list[Figure]) -> Figure:
    return {key: statistics.median(f[key] for f in figures) for key in figures[0]}


def row(
    floor: Sequence[str],
    ours: Sequence[str],
    repeats: int,
    env: dict[str, str] | None = None,
    status: int = 0,
) -> dict[str, Any]:
    """A command and its floor, run one after the other, ``repeats`` times."""
    floors, runs = [], []
    for _ in range(repeats):
        floors.append(run_once(floor, None, 0))
        runs.append(run_once(ours, env, status))
    return against(median(runs), median(floors))


def against(found: Figure, base: Figure) -> dict[str, Any]:
    """A command's figures beside its floor's."""
    return {"floor": base, "renewal_score": found, "ratio": found["seconds"] / base["seconds"]}


def renewal_score(*args: str) -> list[str]:
    return [PYTHON, "-m", "renewal_score", *args]


def json_floor(path: Path) -> list[str]:
    return [PYTHON, "-c", JSON_FLOOR, str(path)]


JSON_FLOOR = (
    "import json, sys\nfor line in open(sys.argv[1], encoding='utf-8'):\n    json.loads(line)\n"
)

MODELS_ALONE = """
import importlib.util, sys
import pydantic, pluggy, tabulate
spec = importlib.util.spec_from_file_location("models_alone", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["models_alone"] = module
spec.loader.exec_module(module)
module.Evidence.model_validate_json(
    '{"id": "r1", "subject": "S", "criterion": "c", "date": "2025-06", "statement": "Said.",'
    ' "level": "agreed", "kind": "declaratory", "source": {"title": "T"}, "grade": "B2"}'
)
"""
"""The models module (standard library and pydantic only) defined outside its package, and
one evidence record validated: what reading any evidence with the models costs at least."""

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

NUMPY_EVIDENCE_FLOOR = """
import sys
import numpy as np
samples, subjects, criteria = (int(a) for a in sys.argv[1:4])
rng = np.random.default_rng(0)
levels = np.array([0.0, 25.0, 50.0, 75.0, 100.0])
cumulative = np.cumsum(rng.dirichlet(np.ones(5), (subjects, criteria)), axis=-1)
bounds = [np.ascontiguousarray(cumulative[..., k]) for k in range(4)]
weights = rng.uniform(0.75, 1.25, (samples, criteria))
weights /= weights.sum(axis=1, keepdims=True)
results = np.empty((samples, subjects))
for start in range(0, samples, 100):
    block = slice(start, start + 100)
    drawn = rng.random((len(weights[block]), subjects, criteria), dtype=np.float32)
    index = (drawn > bounds[0]).astype(np.intp)
    for bound in bounds[1:]:
        index += drawn > bound
    results[block] = np.matmul(levels[index], weights[block][:, :, None])[..., 0]
median, p05, p95 = np.percentile(results, [50, 5, 95], axis=0)
first = np.bincount(results.argmax(axis=1), minlength=subjects) / samples
"""
"""The floor with the evidence input: each subject's criterion scores drawn, sample by sample,
from a belief over five levels (a uniform and its level), as the analysis draws them."""

PYMCDM_LOOP = """
import sys
import numpy as np
from pymcdm.methods import WSM
samples, subjects, criteria = (int(a) for a in sys.argv[1:4])
rng = np.random.default_rng(0)
matrix = rng.uniform(0, 100, (subjects, criteria))
types = np.ones(criteria)
weights = rng.uniform(0.75, 1.25, (samples, criteria))
weights /= weights.sum(axis=1, keepdims=True)
method = WSM()
results = np.array([method(matrix, w, types) for w in weights])
median, p05, p95 = np.percentile(results, [50, 5, 95], axis=0)
first = np.bincount(results.argmax(axis=1), minlength=subjects) / samples
"""
"""The same workload with pymcdm's weighted sum model, one call per sample."""

PYMCDM_SHARE = 10
"""The pymcdm loop runs on samples / PYMCDM_SHARE samples; its time is scaled back up."""


class Bench:
    """The sizes of one run, and its folder of generated files."""

    def __init__(self, folder: Path, quick: bool, repeats: int) -> None:
        self.folder = folder
        self.quick = quick
        self.repeats = repeats
        self.sizes = [1_000, 10_000] if quick else [10_000, 100_000, 1_000_000]
        self.subjects, self.criteria, self.priorities = (50, 30, 5) if quick else (1_000, 30, 5)
        self.samples = 200 if quick else 10_000
        self.synthetic_env = {**ENVIRONMENT, "RENEWAL_SCORE_PLUGINS": ""}  # its agenda only
        run_once(renewal_score("report"), None, 0)  # writes the bytecode caches
        self.agenda = write_portfolio(folder, self.subjects, self.criteria, self.priorities)

    def realistic(self) -> dict[str, Any]:
        records = self.sizes[-1]
        evidence, subjects = write_realistic(self.folder, records, self.subjects)
        inputs = ("--evidence", str(subjects), "--evidence", str(evidence))
        as_of = ("--as-of", "2026-11-01", "--format", "json")
        invalid = with_invalid_record(evidence)
        bad_inputs = ("--evidence", str(subjects), "--evidence", str(invalid))
        commands = {
            "report": (renewal_score("report", *inputs, *as_of), evidence, 0),
            "compare": (renewal_score("compare", *inputs, *as_of), evidence, 0),
            "validate": (renewal_score("validate", str(subjects), str(evidence)), evidence, 0),
            "validate_one_invalid": (
                renewal_score("validate", str(subjects), str(invalid)),
                invalid,
                1,
            ),
            "report_one_invalid": (renewal_score("report", *bad_inputs, *as_of), invalid, 1),
        }
        # Round by round, so that drift in the machine's load touches every row alike; the
        # floor of a file is the median of all its runs (one command, one estimate).
        floors: dict[Path, list[Figure]] = {path: [] for _, path, _ in commands.values()}
        runs: dict[str, list[Figure]] = {name: [] for name in commands}
        for _ in range(self.repeats):
            for name, (command, path, status) in commands.items():
                floors[path].append(run_once(json_floor(path), None, 0))
                runs[name].append(run_once(command, None, status))
        rows = {
            name: against(median(runs[name]), median(floors[path]))
            for name, (_, path, _) in commands.items()
        }
        size = evidence.stat().st_size
        return {"records": records, "bytes": size, **rows}

    def synthetic(self) -> dict[str, Any]:
        scaling = []
        for size in self.sizes:
            evidence = write_evidence(
                self.folder, size, self.subjects, self.criteria, self.priorities
            )
            command = renewal_score(
                *("compare", "--evidence", str(self.agenda), "--evidence", str(evidence)),
                *("--as-of", "2025-01-01", "--format", "json"),
            )
            found = row(json_floor(evidence), command, self.repeats, self.synthetic_env)
            scaling.append({"records": size, **found})
        first, last = scaling[0], scaling[-1]
        growth = last["renewal_score"]["seconds"] / first["renewal_score"]["seconds"]
        slope = math.log(growth) / math.log(last["records"] / first["records"])
        return {"compare": scaling, "slope": slope}

    def sensitivity(self) -> dict[str, Any]:
        shape = [str(self.samples), str(self.subjects), str(self.criteria)]
        matrix = write_matrix(self.folder, self.subjects, self.criteria, self.priorities)
        command = renewal_score(
            *("sensitivity", "--evidence", str(self.agenda), "--evidence", str(matrix)),
            *("--as-of", "2025-01-01", "--samples", str(self.samples), "--seed", "1"),
            *("--all-subjects", "--format", "json"),
        )
        numpy_floor = [PYTHON, "-c", NUMPY_FLOOR, *shape]
        found = row(numpy_floor, command, self.repeats, self.synthetic_env)
        evidence = [PYTHON, "-c", NUMPY_EVIDENCE_FLOOR, *shape]
        evidence_floor = median([run_once(evidence, None, 0) for _ in range(self.repeats)])
        ours = found["renewal_score"]["seconds"]
        result: dict[str, Any] = {
            "samples": self.samples,
            **found,
            "evidence_floor": evidence_floor,
            "ratio_to_evidence_floor": ours / evidence_floor["seconds"],
        }
        if importlib.util.find_spec("pymcdm") is None:
            result["pymcdm"] = None  # not installed: pip install pymcdm
            return result
        share = [str(max(1, self.samples // PYMCDM_SHARE)), *shape[1:]]
        loop = median([run_once([PYTHON, "-c", PYMCDM_LOOP, *share], None, 0)])
        seconds = loop["seconds"] * PYMCDM_SHARE
        result["pymcdm"] = {"seconds": seconds, "mib": loop["mib"], "speedup": seconds / ours}
        return result

    def cold_start(self) -> dict[str, Any]:
        """New processes with the bytecode caches a user's install has, against the import
        floor, three times as often as the other rows (they are short). Beside ``report``:
        the same with its Monte Carlo at the fewest draws allowed, to measure what the
        certainty figures cost; and the project's models module loaded alone with one
        record validated, the least any report that reads evidence must do."""
        default_draws, fewest_draws = draws_allowed()
        fewer_draws = self.folder / "fewest-draws.toml"
        fewer_draws.write_text(f"draws = {fewest_draws}\n", encoding="utf-8")
        commands = {
            "floor": [PYTHON, "-c", "import pydantic, pluggy, tabulate"],
            "models_alone": [PYTHON, "-c", MODELS_ALONE, str(models_file())],
            "renewal_score": renewal_score("report"),
            "fewest_draws": renewal_score("report", "--method", str(fewer_draws)),
        }
        runs: dict[str, list[Figure]] = {name: [] for name in commands}
        for _ in range(self.repeats * 3):
            for name, command in commands.items():
                runs[name].append(run_once(command, None, 0))
        found = {name: median(figures) for name, figures in runs.items()}
        base = found["floor"]["seconds"]
        # paired run by run (each pair a moment apart), steadier than a difference of medians
        pairs = zip(runs["renewal_score"], runs["fewest_draws"], strict=True)
        saved = statistics.median(whole["seconds"] - fewest["seconds"] for whole, fewest in pairs)
        return {
            **found,
            "ratio": found["renewal_score"]["seconds"] / base,
            "models_alone_ratio": found["models_alone"]["seconds"] / base,
            "fewest_draws_ratio": found["fewest_draws"]["seconds"] / base,
            # the draws removed are all but the fewest: scaled to all of them
            "certainty_seconds": saved * default_draws / (default_draws - fewest_draws),
        }


def draws_allowed() -> tuple[int, int]:
    """The method's default number of Monte Carlo draws, and the fewest it allows."""
    from annotated_types import Ge

    from renewal_score.method import MethodSettings

    field = MethodSettings.model_fields["draws"]
    return field.default, next(int(m.ge) for m in field.metadata if isinstance(m, Ge))


def models_file() -> Path:
    """The installed package's ``models.py`` (this process imports the package anyway)."""
    from renewal_score import models

    return Path(models.__file__)


def machine() -> dict[str, Any]:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "memory_gib": round(pages / 2**30, 1),
        "processor": platform.machine(),
    }


def run(quick: bool, repeats: int, groups: Sequence[str]) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory() as scratch:
        bench = Bench(Path(scratch), quick, repeats)
        measures: dict[str, Callable[[], dict[str, Any]]] = {
            "realistic": bench.realistic,
            "synthetic": bench.synthetic,
            "sensitivity": bench.sensitivity,
            "cold_start": bench.cold_start,
        }
        for group in groups:
            results[group] = measures[group]()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--repeats", type=int, default=None, help="runs per measurement (median)")
    parser.add_argument("--only", default=",".join(GROUPS), help="groups of rows, by name")
    args = parser.parse_args()
    groups = [g for g in args.only.split(",") if g]
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        parser.error(f"unknown group {unknown[0]} (known: {', '.join(GROUPS)})")
    repeats = args.repeats or (1 if args.quick else 3)
    print(json.dumps(run(args.quick, repeats, groups), indent=2))


if __name__ == "__main__":
    main()
