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
from typing import Any

import pytest
import yaml

from tests.link_server import Answer, LinkServer, link_server
from weeknotes import __version__

REPO = Path(__file__).resolve().parent.parent
TOOLS = Path(sys.executable).parent  # actionlint and check-jsonschema come with the test extra
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
FILES = {
    "github": {".github/workflows/check.yml", ".github/workflows/publish.yml", ".github/workflows/fetch.yml",
               ".github/workflows/send.yml", ".github/workflows/links.yml"},
    "gitlab": {".gitlab-ci.yml"},
    "netlify": {"netlify.toml", "netlify/functions/daily-build.mjs"},
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


def shellcheck() -> list[str]:
    """actionlint checks each `run:` script with shellcheck too (from the test extra)."""
    return ["-shellcheck", str(TOOLS / "shellcheck")]


def init(installed: Installed, where: Path, *args: str, **env: str) -> Path:
    made = installed.run("weeknotes", "init", "site", *args, cwd=where, **env)
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
        linted = installed.run(TOOLS / "actionlint", "-no-color", *shellcheck(), *workflows, cwd=site)
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


def run_steps(installed: Installed, site: Path, workflow: Path, values: dict[str, str], stop_at_failure: bool = False,
              **extra: str) -> dict[str, str]:
    """Run a workflow's `run:` steps in order, as GitHub's runner would (bash -eo pipefail);
    `uses:` steps are GitHub's own and are skipped. Returns each step's output by name. Every
    step must succeed, unless `stop_at_failure`: then the first that fails ends the run, and
    its output is under `FAILED`. `extra` is more environment (SOURCE_DATE_EPOCH)."""
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
                                 cwd=site, GITHUB_ACTIONS="true", **extra, **env)
            if stop_at_failure and done.returncode != 0:
                outputs["FAILED"] = f"{step.get('name')}\n{done.stdout}{done.stderr}"
                return outputs
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

    pages = {"steps.pages.outputs.base_url": "https://circle.example.github.io/site",
             "steps.deployment.outputs.page_url": "https://circle.example.github.io/site/"}
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


def repository_with_a_remote(installed: Installed, site: Path, server: LinkServer, answer: Answer) -> Path:
    """The new site as a git repository pushed to a bare remote, its one link curated at `server`."""
    [link] = (site / "content/links").glob("*-working-out-loud.md")  # dated the day init ran
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
    [first] = (site / "content/notes/ada").glob("*-first-weeknote.md")  # dated the day init ran
    given = first.relative_to(site).as_posix()
    done = installed.run(*hook["entry"].split(), given, cwd=site)
    assert done.returncode == 0, done.stderr
    assert f"{given}:1: info: appears at https://example.org/notes/first-weeknote/" in done.stdout
    (site / given).write_text(note("Broken", "soon"))
    assert installed.run(*hook["entry"].split(), given, cwd=site).returncode == 1


# --- the week runs itself: scheduled workflows and jobs -----------------------------------

WEDNESDAY = "1795000000"  # 2026-11-18 in London: init dates its starter posts in 2026-W47
MONDAY = "1795424400"  # 2026-11-23 09:00 UTC: 2026-W47 has ended


def workflow(site: Path, name: str) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load((site / ".github/workflows" / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def with_origin(installed: Installed, site: Path, tmp_path: Path) -> Path:
    """Commit the site and push it to a bare repository, as GitHub holds it; return that."""
    origin = tmp_path / "origin.git"
    git(installed, tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(installed, site, "init", "-q", "-b", "main")
    git(installed, site, "add", ".")
    git(installed, site, "commit", "-q", "-m", "A new weeknotes site")
    git(installed, site, "remote", "add", "origin", str(origin))
    git(installed, site, "push", "-q", "-u", "origin", "main")
    return origin


def history(installed: Installed, origin: Path) -> list[str]:
    return git(installed, origin, "log", "--format=%s", "main").splitlines()


def test_the_scheduled_workflows_run_on_cron_in_utc_and_only_committing_jobs_may_write(
        installed: Installed, tmp_path: Path) -> None:
    site = init(installed, tmp_path, "--timezone", "America/New_York", SOURCE_DATE_EPOCH=WEDNESDAY)
    crons = {}
    for name in ("publish.yml", "fetch.yml", "send.yml"):
        data = workflow(site, name)
        [entry] = data["on"]["schedule"]
        crons[name] = entry["cron"]
        assert "workflow_dispatch" in data["on"]
        assert data["permissions"] == ({"contents": "read", "pages": "write", "id-token": "write"}
                                       if name == "publish.yml" else {"contents": "read"})
        assert data["concurrency"]["cancel-in-progress"] is False and data["concurrency"]["group"]
        if name != "publish.yml":
            [job] = data["jobs"].values()  # one job per scheduled workflow
            assert job["permissions"] == {"contents": "write"}
        text = (site / ".github/workflows" / name).read_text()
        [line] = [line for line in text.splitlines() if "cron:" in line]
        assert "UTC = " in line and "EST / " in line and "EDT" in line and "in America/New_York" in line
    # 00:17 and 23:17 in New York in winter (EST, UTC-5); Mondays 07:17 there.
    assert crons == {"publish.yml": "17 5 * * *", "fetch.yml": "17 4 * * *", "send.yml": "17 12 * * 1"}
    for name in ("check.yml", "publish.yml"):
        assert all("permissions" not in job for job in workflow(site, name)["jobs"].values())
    readme = (site / "README.md").read_text()
    for secret in ("WEEKNOTES_SMTP_USER", "WEEKNOTES_SMTP_PASSWORD", "WEEKNOTES_SMTP_HOST", "WEEKNOTES_DIGEST_TO"):
        assert f"`{secret}`" in readme
    for name in ("publish.yml", "fetch.yml", "send.yml", "check.yml"):
        assert f"| `{name}` |" in readme


def test_a_new_site_s_scheduled_jobs_skip_with_a_notice(installed: Installed, tmp_path: Path) -> None:
    site = init(installed, tmp_path, SOURCE_DATE_EPOCH=WEDNESDAY)
    origin = with_origin(installed, site, tmp_path)
    fetched = "".join(run_steps(installed, site, site / ".github/workflows/fetch.yml", {}).values())
    assert ("::notice title=weeknotes::nothing to fetch: no author in authors.yaml has both a `feed:` and "
            "`aggregate: true`") in fetched
    none = {"secrets.WEEKNOTES_SMTP_USER": "", "secrets.WEEKNOTES_SMTP_PASSWORD": ""} | {
        f"secrets.WEEKNOTES_{key} || vars.WEEKNOTES_{key}": "" for key in ("SMTP_HOST", "SMTP_TLS", "DIGEST_TO",
                                                                          "DIGEST_FROM")}
    sent = "".join(run_steps(installed, site, site / ".github/workflows/send.yml", none,
                             SOURCE_DATE_EPOCH=MONDAY).values())
    notices = [line for line in sent.splitlines() if line.startswith("::notice")]
    assert len(notices) == 1 and notices[0].startswith("::notice title=Digest not sent::Set the repository secrets")
    assert history(installed, origin) == ["A new weeknotes site"]


def test_the_daily_fetch_commits_members_posts_only_when_they_changed(installed: Installed, tmp_path: Path) -> None:
    from tests.blog_server import feed_server

    site = init(installed, tmp_path, SOURCE_DATE_EPOCH=WEDNESDAY)
    with feed_server() as server:
        authors = site / "content/authors.yaml"
        authors.write_text(authors.read_text() + f"  feed: {server.feed('/ada.xml', 'atom.xml')}\n  aggregate: true\n")
        origin = with_origin(installed, site, tmp_path)
        fetch = site / ".github/workflows/fetch.yml"
        first = "".join(run_steps(installed, site, fetch, {}).values())
        again = "".join(run_steps(installed, site, fetch, {}).values())
    assert "ada: new: " in first, first
    assert history(installed, origin) == ["Fetch members' blog posts", "A new weeknotes site"]
    pushed = git(installed, origin, "show", "--name-only", "--format=", "main")
    assert pushed.splitlines() == ["content/blogs/ada.json"]
    assert "Nothing changed in content/blogs/: nothing to commit." in again
    assert len(history(installed, origin)) == 2


def test_the_weekly_send_sends_the_week_that_ended_once_and_records_it(installed: Installed, tmp_path: Path) -> None:
    from tests.smtp_support import smtp_server

    site = init(installed, tmp_path, SOURCE_DATE_EPOCH=WEDNESDAY)
    origin = with_origin(installed, site, tmp_path)
    send = site / ".github/workflows/send.yml"
    with smtp_server(login=("editor", "battery staple")) as inbox:
        settings = {"secrets.WEEKNOTES_SMTP_USER": "editor", "secrets.WEEKNOTES_SMTP_PASSWORD": "battery staple",
                    "secrets.WEEKNOTES_SMTP_HOST || vars.WEEKNOTES_SMTP_HOST": f"127.0.0.1:{inbox.port}",
                    "secrets.WEEKNOTES_SMTP_TLS || vars.WEEKNOTES_SMTP_TLS": "",
                    "secrets.WEEKNOTES_DIGEST_TO || vars.WEEKNOTES_DIGEST_TO": "circle@lists.example.org",
                    "secrets.WEEKNOTES_DIGEST_FROM || vars.WEEKNOTES_DIGEST_FROM": "Circle <digest@example.net>"}
        first = "".join(run_steps(installed, site, send, settings, SOURCE_DATE_EPOCH=MONDAY).values())
        again = "".join(run_steps(installed, site, send, settings, SOURCE_DATE_EPOCH=MONDAY).values())
        assert len(inbox.received) == 1 and inbox.logins == ["editor"]
        message = inbox.received[0].message
    assert message["Subject"] == "Week 47, 2026" and message["To"] == "circle@lists.example.org"
    assert "the digest of 2026-W47 (Monday 2026-11-16 to Sunday 2026-11-22), the latest week that has ended" in first
    assert history(installed, origin) == ["Record the digest sent", "A new weeknotes site"]
    record = yaml.safe_load(git(installed, origin, "show", "main:content/digests/sent.yaml"))
    assert list(record) == ["2026-W47"] and record["2026-W47"]["public"]["to"] == ["circle@lists.example.org"]
    assert "::notice title=weeknotes::nothing to send: 2026-W47 was already sent" in again
    assert "Nothing was sent: nothing to record." in again and len(history(installed, origin)) == 2


def test_a_pull_request_that_renames_a_published_post_fails_its_check(installed: Installed, tmp_path: Path) -> None:
    site = init(installed, tmp_path, SOURCE_DATE_EPOCH=WEDNESDAY)
    with_origin(installed, site, tmp_path)
    pages = {"steps.pages.outputs.base_url": "https://circle.example.github.io/site",
             "steps.deployment.outputs.page_url": "https://circle.example.github.io/site/"}
    run_steps(installed, site, site / ".github/workflows/publish.yml", pages, SOURCE_DATE_EPOCH=WEDNESDAY)
    assert (site / "public/feed.xml").is_file()  # as actions/cache restores it in the pull request
    base = git(installed, site, "rev-parse", "HEAD")
    [first] = (site / "content/notes/ada").glob("*-first-weeknote.md")
    git(installed, site, "mv", str(first), str(first.with_name(first.name.replace("first-weeknote", "hello"))))
    git(installed, site, "commit", "-q", "-m", "A better name")
    outputs = run_steps(installed, site, site / ".github/workflows/check.yml",
                        {"github.event.pull_request.base.sha": base}, stop_at_failure=True,
                        SOURCE_DATE_EPOCH=WEDNESDAY)
    failed = outputs["FAILED"]
    assert failed.startswith("Check the changed files\n")
    [annotation] = [line for line in failed.splitlines() if line.startswith("::error ")]
    assert "file=content/notes/ada/2026-11-18-hello.md,line=1," in annotation
    assert "tag:circle.example.github.io,2026-11-18:notes/first-weeknote" in annotation
    assert "%0A    aliases: [/notes/first-weeknote/]" in annotation


RULE_CLAUSE = re.compile(r'\$(\w+) (==|!=) (?:"([^"]*)"|\$(\w+))')


def gitlab_jobs(pipeline: dict[str, Any], **variables: str) -> set[str]:
    """The jobs a pipeline with these variables runs, by each job's `rules` (first match wins)."""
    def holds(condition: str) -> bool:
        for clause in condition.split("&&"):
            match = RULE_CLAUSE.fullmatch(clause.strip())
            assert match, clause
            value = variables.get(match[1], "")
            other = match[3] if match[3] is not None else variables.get(match[4], "")
            if (value == other) != (match[2] == "=="):
                return False
        return True

    running = set()
    for name, job in pipeline.items():
        if not isinstance(job, dict) or "script" not in job or name.startswith("."):
            continue
        for rule in job.get("rules", []):
            if holds(rule["if"]):
                if rule.get("when") != "never":
                    running.add(name)
                break
    return running


def test_gitlab_runs_each_scheduled_job_under_its_own_schedule(installed: Installed, tmp_path: Path) -> None:
    site = init(installed, tmp_path, "--ci", "gitlab", SOURCE_DATE_EPOCH=WEDNESDAY)
    pipeline = yaml.safe_load((site / ".gitlab-ci.yml").read_text())
    branch = {"CI_DEFAULT_BRANCH": "main", "CI_COMMIT_BRANCH": "main"}
    assert gitlab_jobs(pipeline, CI_PIPELINE_SOURCE="push", **branch) == {"pages", "ping"}
    assert gitlab_jobs(pipeline, CI_PIPELINE_SOURCE="push", CI_DEFAULT_BRANCH="main", CI_COMMIT_BRANCH="x") == set()
    assert gitlab_jobs(pipeline, CI_PIPELINE_SOURCE="merge_request_event", CI_DEFAULT_BRANCH="main") == {"check"}
    for schedule, jobs in (("publish", {"pages", "ping"}), ("fetch", {"fetch"}), ("send", {"send"}),
                           ("links", {"links"})):
        assert gitlab_jobs(pipeline, CI_PIPELINE_SOURCE="schedule", WEEKNOTES_SCHEDULE=schedule, **branch) == jobs
    assert gitlab_jobs(pipeline, CI_PIPELINE_SOURCE="schedule", **branch) == set()
    readme = (site / "README.md").read_text()
    for schedule, cron in (("publish", "17 0 * * *"), ("fetch", "17 23 * * *"), ("send", "17 7 * * 1")):
        assert f"| `{cron}` (" in readme and f"| `{schedule}` |" in readme
    assert "Pipeline schedules" in readme and "`WEEKNOTES_PUSH_TOKEN`" in readme

    def job(name: str, **env: str) -> subprocess.CompletedProcess[str]:
        steps = [*pipeline[".commits"]["before_script"], *pipeline[name]["script"]]
        return installed.run("bash", "-e", "-c", "\n".join(steps), cwd=site, **env)

    git(installed, site, "init", "-q", "-b", "main")
    git(installed, site, "add", ".")
    git(installed, site, "commit", "-q", "-m", "A new weeknotes site")
    sent = job("send", SOURCE_DATE_EPOCH=MONDAY)
    assert sent.returncode == 0, sent.stderr
    assert "Digest not sent -- set the CI/CD variables WEEKNOTES_SMTP_USER and WEEKNOTES_SMTP_PASSWORD" in sent.stdout
    fetched = job("fetch")
    assert fetched.returncode == 0, fetched.stderr
    assert "nothing to fetch" in fetched.stdout and "Nothing changed in content/blogs/." in fetched.stdout
    assert git(installed, site, "log", "--format=%s").splitlines() == ["A new weeknotes site"]


def test_the_netlify_scheduled_function_calls_the_build_hook(installed: Installed, tmp_path: Path) -> None:
    from tests.hub_server import hub_server

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the scheduled function cannot be run")
    site = init(installed, tmp_path, "--ci", "netlify", SOURCE_DATE_EPOCH=WEDNESDAY)
    function = site / "netlify/functions/daily-build.mjs"
    readme = (site / "README.md").read_text()
    assert "WEEKNOTES_BUILD_HOOK" in readme and "Add build hook" in readme
    call = ("const made = await import(process.argv[1]); await made.default(new Request('https://example.net/', "
            "{method: 'POST', body: '{}'})); console.log('schedule: ' + made.config.schedule);")
    with hub_server() as hook:
        unset = installed.run(node, "--input-type=module", "-e", call, function, cwd=site)
        assert unset.returncode == 0, unset.stderr
        assert "WEEKNOTES_BUILD_HOOK is not set" in unset.stdout and hook.received == []
        called = installed.run(node, "--input-type=module", "-e", call, function, cwd=site,
                               WEEKNOTES_BUILD_HOOK=hook.url + "build_hooks/abc")
        assert called.returncode == 0, called.stderr
        assert len(hook.received) == 1
    assert "build hook answered 204" in called.stdout and "schedule: 17 0 * * *" in called.stdout
