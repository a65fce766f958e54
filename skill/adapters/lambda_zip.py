"""`hamstring-skill lambda-zip` (`make lambda-zip`): the code zip for AWS Lambda.

The function runs Python 3.11 on arm64 (Graviton: cheaper per request, and the skill has no
x86-only code), so the runtime dependencies pinned in requirements-lambda.lock are installed as
manylinux aarch64 wheels for CPython 3.11, whatever machine builds the zip. pip fetches those
wheels from PyPI; nothing is compiled. Next to them go the skill, its content and the interaction
model. boto3 comes with the Lambda runtime and stays out.

`--platform` builds the same zip for another platform: the tests build one for the machine they
run on, to run its handler from the unpacked zip (an aarch64 zip cannot run on x86_64).

For the cold start the zip also carries what Lambda would otherwise work out on every new
instance: the compiled content snapshot (build/content.pickle, written fresh from content/ and
stamped; skill.adapters.snapshot) and bytecode for Python 3.11 of every module, compiled with
unchecked hashes (PEP 552: the read-only /var/task never has to be compared with the sources).
Bytecode is compiled by the Python that builds the zip, so that has to be 3.11 as well.
"""
from __future__ import annotations

import compileall
import os
import py_compile
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from skill import paths

LAMBDA_PLATFORM = "manylinux2014_aarch64"
HANDLER = "skill.lambda_function.handler"
SHIPPED = ("skill", "content", "interaction_model")
LOCK = paths.ROOT / "requirements-lambda.lock"
PYTHON = (3, 11)                               # the Lambda runtime
SNAPSHOT = "build/content.pickle"              # where skill.adapters.snapshot looks, relative to the code
_DATE = (2020, 1, 1, 0, 0, 0)                  # fixed time stamps: the same sources give the same zip


def host_platform() -> str:
    machine = os.uname().machine
    return f"manylinux2014_{'aarch64' if machine in ('aarch64', 'arm64') else machine}"


def install_dependencies(target: Path, platform: str = LAMBDA_PLATFORM, lock: Path = LOCK) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--target", str(target), "--platform", platform, "--implementation", "cp",
                    "--python-version", "3.11", "--only-binary=:all:", "-r", str(lock)], check=True)


# The practice's browser console (its pages, scripts and the vendored Mermaid) never runs on Lambda.
NOT_ON_LAMBDA = ("console",)


def build(out_zip: Path, platform: str = LAMBDA_PLATFORM, work_dir: Path | None = None) -> Path:
    """Writes the zip and returns its path; `work_dir` keeps the unpacked tree (ASK CLI's code src)."""
    out_zip = Path(out_zip)
    tree = Path(work_dir) if work_dir else out_zip.with_suffix("")
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    install_dependencies(tree, platform)
    for name in SHIPPED:
        shutil.copytree(paths.ROOT / name, tree / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", *NOT_ON_LAMBDA))
    from skill.adapters.snapshot import write_snapshot
    write_snapshot(tree / SNAPSHOT, tree / "content")
    compile_bytecode(tree)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), _DATE)
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return out_zip


def compile_bytecode(tree: Path) -> None:
    """Bytecode for every module in the tree, for the Lambda runtime's Python, with unchecked hashes:
    deterministic (no time stamps) and used as it is."""
    if sys.version_info[:2] != PYTHON:
        raise RuntimeError(f"the Lambda zip ships bytecode for Python {PYTHON[0]}.{PYTHON[1]}; "
                           f"build it with that Python, not {sys.version_info[0]}.{sys.version_info[1]}")
    import warnings

    for stale in list(tree.rglob("__pycache__")):
        shutil.rmtree(stale)
    with warnings.catch_warnings():              # third-party sources' invalid escapes, not ours to mend
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        ok = compileall.compile_dir(str(tree), quiet=2, workers=1, ddir="/var/task",
                                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    if not ok:
        raise RuntimeError("compiling the Lambda code to bytecode failed")
