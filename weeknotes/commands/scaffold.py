"""The repository files `weeknotes init` writes around `content/`: a README for the
community, .gitignore, the pinned weeknotes requirement, a pre-commit hook, and the CI
that checks pull requests, publishes (GitHub Pages, GitLab Pages, Netlify, or none), and
runs the week by itself: a daily publish, a daily fetch of members' blogs, and the weekly
digest (schedules.py says when, in the site's timezone).

The files are templates shipped in the package (`repo_templates/`), rendered with Jinja
using `<< name >>` and `<% if %>` so that GitHub's own `${{ ... }}` passes through as is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import jinja2

from weeknotes import __version__
from weeknotes.commands.schedules import schedules

REPOSITORY = "https://github.com/weeknotes/weeknotes"
"""Where weeknotes lives: the pre-commit hook's repository, and the install-from-git address."""
TEMPLATES = Path(__file__).parent / "repo_templates"
CI_CHOICES = ("github", "gitlab", "netlify", "none")

COMMON_FILES = {
    "README.md": "common/README.md",
    ".gitignore": "common/gitignore",
    "requirements.txt": "common/requirements.txt",
    ".pre-commit-config.yaml": "common/pre-commit-config.yaml",
}
CI_FILES = {
    # One scheduled job per workflow file, so that a new one is a new file.
    "github": {
        ".github/workflows/check.yml": "github/workflows/check.yml",
        ".github/workflows/publish.yml": "github/workflows/publish.yml",
        ".github/workflows/fetch.yml": "github/workflows/fetch.yml",
        ".github/workflows/send.yml": "github/workflows/send.yml",
        ".github/workflows/links.yml": "github/workflows/links.yml",
    },
    "gitlab": {".gitlab-ci.yml": "gitlab/gitlab-ci.yml"},
    "netlify": {
        "netlify.toml": "netlify/netlify.toml",
        "netlify/functions/daily-build.mjs": "netlify/daily-build.mjs",
    },
    "none": {},
}


@dataclass(frozen=True)
class Scaffold:
    """What the templates may use; a new `init` option is a new field here."""

    ci: str = "github"
    version: str = __version__
    repository: str = REPOSITORY
    python: str = "3.12"
    """The Python version CI runs weeknotes with."""
    timezone: str = "Europe/London"
    """The site's timezone (site.yaml), which the scheduled jobs' times are chosen in."""
    today: str = "2026-01-12"
    """The day `init` runs, for the examples in the README."""

    def files(self) -> dict[str, str]:
        """Repository path -> rendered text."""
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
            block_start_string="<%", block_end_string="%>", variable_start_string="<<",
            variable_end_string=">>", comment_start_string="<#", comment_end_string="#>",
            trim_blocks=True, keep_trailing_newline=True, autoescape=False,
        )
        values = asdict(self) | {"schedule": schedules(self.timezone, date.fromisoformat(self.today))}
        return {rel: env.get_template(name).render(values)
                for rel, name in (COMMON_FILES | CI_FILES[self.ci]).items()}


def write_files(target: Path, files: dict[str, str]) -> None:
    """Write `init`'s files (path -> text) into `target`."""
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
