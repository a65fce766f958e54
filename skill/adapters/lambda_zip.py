"""`hamstring-skill lambda-zip` (`make lambda-zip`): the code zip for AWS Lambda.

The function runs Python 3.11 on arm64 (Graviton: cheaper per request, and the skill has no
x86-only code), so the runtime dependencies pinned in requirements-lambda.lock are installed as
manylinux aarch64 wheels for CPython 3.11, whatever machine builds the zip. pip fetches those
wheels from PyPI; nothing is compiled. Next to them go the skill, its content and the interaction
model. boto3 comes with the Lambda runtime and stays out.

`--platform` builds the same zip for another platform: the tests build one for the machine they
run on, to run its handler from the unpacked zip (an aarch64 zip cannot run on x86_64).
"""
from __future__ import annotations

import os
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
_DATE = (2020, 1, 1, 0, 0, 0)                  # fixed time stamps: the same sources give the same zip


def host_platform() -> str:
    machine = os.uname().machine
    return f"manylinux2014_{'aarch64' if machine in ('aarch64', 'arm64') else machine}"


def install_dependencies(target: Path, platform: str = LAMBDA_PLATFORM, lock: Path = LOCK) -> None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--target", str(target), "--platform", platform, "--implementation", "cp",
                    "--python-version", "3.11", "--only-binary=:all:", "-r", str(lock)], check=True)


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
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in tree.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), _DATE)
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return out_zip
