"""Cold start: a fresh install, then the first ``import newsdedup`` and the first ``dedup()``.

Run from the repository root::

    python -m benchmarks.coldstart                   # this checkout
    python -m benchmarks.coldstart --source OTHER    # another checkout, for a before/after

It builds a wheel of the source (``pip wheel``, build isolation: what ``pip install`` does),
installs it into a fresh virtualenv, and times, each in a fresh process:

1. ``first run``: right after the install, ``import newsdedup`` then
   ``newsdedup.dedup(newsdedup.seed_articles())`` (what a new user, a CI job or a new worker
   pays);
2. ``again``: the same in a second process (anything cached by the first is there);
3. ``read-only``: the same with the installed package read-only (``chmod -R a-w`` on
   ``site-packages/newsdedup``, restored after), as in a container that runs as non-root.
   Root writes through permissions, so as root the process also sees the folder through a
   read-only bind mount (``unshare -r -m``: a private mount namespace, nothing changes
   outside it).

Each line gives the seconds of the import, of the first ``dedup()`` call, of both (inside
the process) and of the whole process (interpreter start-up included). Results go to stdout
and to ``benchmarks/results/coldstart-*.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
#: Runs "$3" with Python "$2", the folder "$1" bind-mounted read-only over itself.
_READ_ONLY = ('mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && '
              'exec "$2" -c "$3"')

_PROBE = """
import json, time
start = time.perf_counter()
import newsdedup
imported = time.perf_counter()
result = newsdedup.dedup(newsdedup.seed_articles())
called = time.perf_counter()
print(json.dumps({"import": imported - start, "first_call": called - imported,
                  "import_and_call": called - start, "groups": len(result.groups)}))
"""


def _run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **options)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n"
                           f"{done.stderr[-3000:]}")
    return done


def _probe(python: Path, read_only: Path | None = None) -> dict[str, Any]:
    """Time the import and the first call in a fresh process (with ``read_only`` mounted
    read-only)."""
    command = [str(python), "-c", _PROBE]
    if read_only is not None:
        command = ["unshare", "-r", "-m", "sh", "-c", _READ_ONLY, "sh", str(read_only),
                   str(python), _PROBE]
    start = time.perf_counter()
    done = _run(command, cwd="/", env={"PATH": os.environ.get("PATH", ""), "HOME": "/tmp"})
    wall = time.perf_counter() - start
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    measured["process"] = wall
    return measured


def _site_package(python: Path) -> Path:
    done = _run([str(python), "-c", "import newsdedup, os; "
                 "print(os.path.dirname(newsdedup.__file__))"], cwd="/")
    return Path(done.stdout.strip())


def _set_writable(folder: Path, writable: bool) -> None:
    bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod((mode | stat.S_IWUSR) if writable else (mode & ~bits))


def measure(source: Path, workdir: Path) -> dict[str, Any]:
    """Build, install and time (see the module docstring)."""
    wheels = workdir / "wheels"
    start = time.perf_counter()
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
          str(source)])
    build_seconds = time.perf_counter() - start
    wheel = next(wheels.glob("newsdedup-*.whl"))
    environment = workdir / "venv"
    _run([sys.executable, "-m", "venv", str(environment)])
    python = environment / "bin" / "python"
    start = time.perf_counter()
    _run([str(python), "-m", "pip", "install", "-q", str(wheel)])
    install_seconds = time.perf_counter() - start
    package = _site_package(python)
    runs = {"first run": _probe(python), "again": _probe(python)}
    # A read-only install, and a cache that was never written: what a non-root container
    # with the package baked into its image sees.
    for cache in package.rglob("*.nbi"):
        cache.unlink()
    for cache in package.rglob("*.nbc"):
        cache.unlink()
    _set_writable(package, False)
    try:
        as_root = os.geteuid() == 0 and shutil.which("unshare") is not None
        runs["read-only"] = _probe(python, read_only=package if as_root else None)
    finally:
        _set_writable(package, True)
    return {"source": str(source), "wheel": wheel.name, "wheel_bytes": wheel.stat().st_size,
            "build_seconds": build_seconds, "install_seconds": install_seconds, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to build")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="newsdedup-coldstart-"))
    try:
        result = measure(args.source.resolve(), workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                         "platform": platform.platform()}
    print(f"wheel {result['wheel']} ({result['wheel_bytes'] / 1e6:.1f} MB), built in "
          f"{result['build_seconds']:.1f} s, installed in {result['install_seconds']:.1f} s")
    print("| run | import | first dedup() | import + first call | process |")
    print("|---|---:|---:|---:|---:|")
    for name, run in result["runs"].items():
        print(f"| {name} | {run['import']:.2f} s | {run['first_call']:.2f} s | "
              f"{run['import_and_call']:.2f} s | {run['process']:.2f} s |")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"coldstart-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
