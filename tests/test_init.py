"""From a wheel to a published site: the package installs into a fresh virtualenv, and
`weeknotes init --ci ...` writes a repository whose CI files pass actionlint and the
published JSON schemas, and whose shell steps succeed when run in order in a git repository.

Building the wheel and installing it (with its dependencies) into a new virtualenv is slow,
so one session fixture does it once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.link_server import Answer, LinkServer, link_server
from weeknotes import __version__

REPO = Path(__file__).resolve().parent.parent
TOOLS = Path(sys.executable).parent  # actionlint and check-jsonschema come with the test extra
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
FILES = {
    "github": {".github/workflows/check.yml", ".github/workflows/publish.yml", ".github/workflows/links.yml"},
    "gitlab": {".gitlab-ci.yml"},
    "netlify": {"netlify.toml"},
    "none": set(),
}
COMMON = {"README.md", ".gitignore", "requirements.txt", ".pre-commit-config.yaml"}


@dataclass(frozen=True)
class Installed:
    bin: Path
    wheels: Path

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a CI job: this venv first on PATH, the local wheel findable by pip."""
        env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env.update(PATH=f"{self.bin}{os.pathsep}{env.get('PATH', '')}",
                   PIP_FIND_LINKS=f"{self.wheels} {env.get('PIP_FIND_LINKS', '')}".strip(),
                   GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
                   GIT_AUTHOR_NAME="Ada", GIT_AUTHOR_EMAIL="ada@example.org",
                   GIT_COMMITTER_NAME="Ada", GIT_COMMITTER_EMAIL="ada@example.org")
        env.pop("GITHUB_ACTIONS", None)
        env.update(extra)
        return env

    def run(self, *args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(a) for a in args], cwd=cwd, env=self.env(**env), capture_output=True,
                              text=True, timeout=900, check=False)


def clean_copy(target: Path) -> Path:
    """The repository's files as a clean clone has them (tracked or new, never ignored), edits included."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    return target


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    source = clean_copy(root / "clone")
    wheels = root / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, source],
                   check=True, capture_output=True, timeout=900)
    [wheel] = wheels.glob("weeknotes-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
    done = subprocess.run([venv / "bin/python", "-m", "pip", "install", "--quiet", wheel], capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    return Installed(venv / "bin", wheels)


def init(installed: Installed, where: Path, *args: str) -> Path:
    made = installed.run("weeknotes", "init", "site", *args, cwd=where)
    assert made.returncode == 0, made.stderr
    return where / "site"


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_the_wheel_installs_with_its_theme_and_without_test_tools(installed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    version = installed.run("weeknotes", "--version", cwd=tmp_path)
    assert (version.returncode, version.stdout.strip()) == (0, f"weeknotes {__version__}")
    where = installed.run("python", "-c", "from weeknotes.render.theme import builtin_themes_dir as d; print(d())", cwd=tmp_path)
    themes = Path(where.stdout.strip())
    assert installed.bin.parent in themes.parents  # inside the installed package, not this checkout
    assert (themes / "default/templates").is_dir()
    for tool in ("pytest", "playwright"):
        assert installed.run("python", "-c", f"import {tool}", cwd=tmp_path).returncode != 0


@pytest.mark.parametrize("ci", ["github", "gitlab", "netlify", "none"])
def test_init_writes_a_whole_repository_for_each_ci(installed, tmp_path, ci) -> None:  # type: ignore[no-untyped-def]
    site = init(installed, tmp_path, "--ci", ci)
    written = files_in(site)
    assert {rel for rel in written if not rel.startswith("content/")} == COMMON | FILES[ci]
    assert "content/site.yaml" in written and "content/authors.yaml" in written
    pins = [line for line in (site / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert pins == [f"weeknotes=={__version__}"]
    ignored = (site / ".gitignore").read_text().splitlines()
    assert {"/public/", ".weeknotes-cache/"} <= set(ignored)
    [hooks] = yaml.safe_load((site / ".pre-commit-config.yaml").read_text())["repos"]
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks["rev"] == f"v{__version__}"
    assert [h["id"] for h in hooks["hooks"]] == ["weeknotes-check"] == [h["id"] for h in published]
    readme = (site / "README.md").read_text()
    assert "pull request" in readme and "visibility: draft" in readme and "<<" not in readme
    if ci == "github":
        workflows = sorted(str(p) for p in (site / ".github/workflows").glob("*.yml"))
        linted = installed.run(TOOLS / "actionlint", "-no-color", *workflows, cwd=site)
        assert linted.returncode == 0, linted.stdout + linted.stderr
        schema = installed.run(TOOLS / "check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                               *workflows, cwd=site)
        assert schema.returncode == 0, schema.stdout + schema.stderr
        published_with = yaml.safe_load((site / ".github/workflows/publish.yml").read_text())
        uses = [s.get("uses", "").split("@")[0] for job in published_with["jobs"].values() for s in job["steps"]]
        assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages",
                "actions/cache"} <= set(uses)
    if ci == "gitlab":
        schema = installed.run(TOOLS / "check-jsonschema", "--builtin-schema", "vendor.gitlab-ci",
                               site / ".gitlab-ci.yml", cwd=site)
        assert schema.returncode == 0, schema.stdout + schema.stderr
    if ci == "netlify":
        netlify = tomllib.loads((site / "netlify.toml").read_text())
        assert netlify["build"]["publish"] == "public"
        assert netlify["build"]["environment"]["PYTHON_VERSION"]


def git(installed: Installed, site: Path, *args: str) -> str:
    done = installed.run("git", *args, cwd=site)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def note(title: str, date: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nauthor: ada\n{extra}---\n\nWhat happened.\n"


def run_steps(installed: Installed, site: Path, workflow: Path, values: dict[str, str]) -> dict[str, str]:
    """Run a workflow's `run:` steps in order, as GitHub's runner would (bash -eo pipefail);
    `uses:` steps are GitHub's own and are skipped. Returns each step's output by name."""
    def substitute(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            assert match[1] in values, f"the test does not know the expression {match[0]}"
            return values[match[1]]
        return EXPRESSION.sub(one, text)

    outputs = {}
    data = yaml.safe_load(workflow.read_text())
    for job in data["jobs"].values():
        for step in job["steps"]:
            if "run" not in step:
                assert "uses" in step
                continue
            assert step.get("shell", "bash") == "bash"
            env = {k: substitute(str(v)) for k, v in {**job.get("env", {}), **step.get("env", {})}.items()}
            done = installed.run("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", substitute(step["run"]),
                                 cwd=site, GITHUB_ACTIONS="true", **env)
            assert done.returncode == 0, f"step {step.get('name')!r} failed:\n{done.stdout}\n{done.stderr}"
            outputs[step.get("name", step["run"])] = done.stdout + done.stderr
    return outputs


def test_the_github_workflows_steps_succeed_in_a_git_repository(installed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = init(installed, tmp_path)
    git(installed, site, "init", "-q", "-b", "main")
    git(installed, site, "add", ".")
    git(installed, site, "commit", "-q", "-m", "A new weeknotes site")
    base = git(installed, site, "rev-parse", "HEAD")
    # A pull request: one note ready, one draft.
    (site / "content/notes/ada/2026-11-16-proposed.md").write_text(note("Proposed", "2026-11-16"))
    (site / "content/notes/ada/2026-11-17-not-yet.md").write_text(note("Not yet", "2026-11-17", "visibility: draft\n"))
    git(installed, site, "add", ".")
    git(installed, site, "commit", "-q", "-m", "Propose a note")

    said = "".join(run_steps(installed, site, site / ".github/workflows/check.yml",
                             {"github.event.pull_request.base.sha": base}).values())
    notices = [line for line in said.splitlines() if line.startswith("::notice ")]
    assert len(notices) == 2, said  # the changed files only
    assert any("file=content/notes/ada/2026-11-16-proposed.md,line=1" in n and "appears at https" in n
               for n in notices), notices
    assert any("file=content/notes/ada/2026-11-17-not-yet.md" in n and "it is a draft" in n for n in notices)
    assert (site / "public/notes/proposed/index.html").is_file()
    assert not (site / "public/notes/not-yet").exists()

    pages = {"steps.pages.outputs.base_url": "https://circle.example.github.io/site"}
    publish = site / ".github/workflows/publish.yml"
    shutil.rmtree(site / "public")
    run_steps(installed, site, publish, pages)
    feed = (site / "public/feed.xml").read_text()
    assert "https://circle.example.github.io/site/notes/proposed/" in feed
    # The next run starts from the restored cache and build (actions/cache): nothing to rewrite.
    again = "".join(run_steps(installed, site, publish, pages).values())
    assert "(0 written" in again, again


def test_the_gitlab_jobs_scripts_succeed_and_report_code_quality(installed: Installed, tmp_path: Path) -> None:
    site = init(installed, tmp_path, "--ci", "gitlab")
    git(installed, site, "init", "-q")
    config = site / "content/site.yaml"  # as init says to: the placeholder address is a warning
    config.write_text(config.read_text().replace("https://example.org/", "https://circle.gitlab.io/site/"))
    jobs = yaml.safe_load((site / ".gitlab-ci.yml").read_text())

    def script(job: str, **env: str) -> subprocess.CompletedProcess[str]:
        return installed.run("bash", "-e", "-c", "\n".join(jobs[job]["script"]), cwd=site, **env)

    checked = script("check", CI_PIPELINE_SOURCE="merge_request_event")
    assert checked.returncode == 0, checked.stderr
    report = site / jobs["check"]["artifacts"]["reports"]["codequality"]
    assert json.loads(report.read_text()) == []
    (site / "content/notes/ada/2026-11-16-broken.md").write_text(note("Broken", "2026-13-01"))
    failed = script("check", CI_PIPELINE_SOURCE="merge_request_event")
    assert failed.returncode == 1
    [issue] = json.loads(report.read_text())
    assert issue["location"] == {"path": "content/notes/ada/2026-11-16-broken.md", "lines": {"begin": 3}}
    assert "2026-11-16-broken.md:3: error:" in failed.stderr  # the text report, for the job log
    (site / "content/notes/ada/2026-11-16-broken.md").unlink()
    published = script("pages", CI_PAGES_URL="https://circle.gitlab.io/site")
    assert published.returncode == 0, published.stderr
    assert jobs["pages"]["artifacts"]["paths"] == ["public"]
    assert "https://circle.gitlab.io/site/notes/first-weeknote/" in (site / "public/feed.xml").read_text()


STARTER_LINK = "content/links/2026-01-06-working-out-loud.md"


def repository_with_a_remote(installed: Installed, site: Path, server: LinkServer, answer: Answer) -> Path:
    """The new site as a git repository pushed to a bare remote, its one link curated at `server`."""
    link = site / STARTER_LINK
    link.write_text(link.read_text().replace("https://example.org/working-out-loud/",
                                             server.route("/working-out-loud", answer)))
    remote = site.parent / "remote.git"
    git(installed, site.parent, "init", "-q", "--bare", "-b", "main", str(remote))
    git(installed, site, "init", "-q", "-b", "main")
    git(installed, site, "add", ".")
    git(installed, site, "commit", "-q", "-m", "A new weeknotes site")
    git(installed, site, "remote", "add", "origin", str(remote))
    git(installed, site, "push", "-q", "-u", "origin", "main")
    return remote


def pushed_health(installed: Installed, remote: Path) -> tuple[int, str]:
    """How many commits the remote's main has, and the health file in its newest one."""
    count = int(git(installed, remote, "rev-list", "--count", "main"))
    shown = installed.run("git", "show", "main:content/links-health.yaml", cwd=remote)
    return count, shown.stdout if shown.returncode == 0 else ""


def test_the_links_workflow_commits_the_health_file_only_when_it_changed(installed: Installed, tmp_path: Path) -> None:
    site = init(installed, tmp_path)
    workflow = yaml.safe_load((site / ".github/workflows/links.yml").read_text())
    assert workflow[True]["schedule"] and workflow["permissions"] == {"contents": "write"}  # `on:` reads as True
    with link_server() as server:
        remote = repository_with_a_remote(installed, site, server, Answer(410))
        said = "".join(run_steps(installed, site, site / ".github/workflows/links.yml",
                                 {"github.ref_name": "main"}).values())
        assert "dead: " + server.url + "/working-out-loud" in said
        count, health = pushed_health(installed, remote)
        assert count == 2 and "status: dead" in health
        again = "".join(run_steps(installed, site, site / ".github/workflows/links.yml",
                                  {"github.ref_name": "main"}).values())
        assert "nothing to commit" in again
        assert pushed_health(installed, remote) == (2, health)
        assert [e.method for e in server.log] == ["HEAD", "HEAD"]
        assert all(e.headers["user-agent"].startswith("weeknotes/") for e in server.log)


def test_the_gitlab_links_job_commits_the_health_file_only_when_it_changed(installed: Installed,
                                                                           tmp_path: Path) -> None:
    site = init(installed, tmp_path, "--ci", "gitlab")
    jobs = yaml.safe_load((site / ".gitlab-ci.yml").read_text())
    assert jobs["links"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $WEEKNOTES_SCHEDULE == "links"'}]
    assert "links" not in jobs["pages"]["rules"][0]["if"]

    def script() -> str:
        done = installed.run("bash", "-e", "-c", "\n".join(jobs["links"]["script"]), cwd=site,
                             CI_COMMIT_BRANCH="main", CI_PIPELINE_SOURCE="schedule", WEEKNOTES_SCHEDULE="links")
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    with link_server() as server:
        remote = repository_with_a_remote(installed, site, server, Answer(301, (("Location", "/moved-here"),)))
        server.route("/moved-here", Answer(200))
        assert "moved: " in script()
        count, health = pushed_health(installed, remote)
        assert count == 2 and f"moved_to: {server.url}/moved-here" in health
        assert "nothing to commit" in script()
        assert pushed_health(installed, remote) == (2, health)


def test_the_netlify_build_command_succeeds(installed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = init(installed, tmp_path, "--ci", "netlify")
    netlify = tomllib.loads((site / "netlify.toml").read_text())
    for context, url in ((netlify["context"]["production"], "URL"), (netlify["build"], "DEPLOY_PRIME_URL")):
        address = f"https://{url.lower()}.example.netlify.app"
        done = installed.run("bash", "-c", context["command"], cwd=site, **{url: address})
        assert done.returncode == 0, done.stderr
        assert f"{address}/notes/first-weeknote/" in (site / netlify["build"]["publish"] / "feed.xml").read_text()


def test_the_published_pre_commit_hook_runs_on_the_files_given(installed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = init(installed, tmp_path)
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert re.search(hook["files"], "content/notes/ada/x.md") and not re.search(hook["files"], "README.md")
    given = "content/notes/ada/2026-01-05-first-weeknote.md"
    done = installed.run(*hook["entry"].split(), given, cwd=site)
    assert done.returncode == 0, done.stderr
    assert f"{given}:1: info: appears at https://example.org/notes/first-weeknote/" in done.stdout
    (site / given).write_text(note("Broken", "soon"))
    assert installed.run(*hook["entry"].split(), given, cwd=site).returncode == 1
