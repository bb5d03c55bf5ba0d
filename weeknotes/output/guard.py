"""The output folder's guard: which folders a build may replace, and the marker file that
says which audience's build a folder holds (a folder never mixes audiences)."""

from __future__ import annotations

from pathlib import Path

from weeknotes.base.errors import OutputAudienceError, OutputDirError
from weeknotes.model.audience import default_output
from weeknotes.source.sources import display_path

MARKER = ".weeknotes-build"
MARKER_HEAD = "This folder is written by `weeknotes build`; it may be replaced by the next build for the same audience.\n"
LEGACY_AUDIENCE = "public"
"""What a marker without an `audience:` line (weeknotes before #12) is taken to record: the
only folder those versions wrote by default."""



def marker_text(audience: str) -> bytes:
    """The marker file's bytes: it records which audience (and drafts) made the folder."""
    return f"{MARKER_HEAD}audience: {audience}\n".encode()


def recorded_audience(output: Path) -> str | None:
    """The audience label in `output`'s marker; None when there is no marker."""
    try:
        text = (output / MARKER).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("audience:"):
            return line.removeprefix("audience:").strip()
    return LEGACY_AUDIENCE


def check_output_dir(output: Path, content: Path, force: bool, audience: str = LEGACY_AUDIENCE) -> None:
    """Refuse an output directory that would destroy something that is not an old build,
    or an old build for another audience (`audience` is this build's label)."""
    out = output.resolve()
    shown = display_path(output)
    protected = {"the content directory": content.resolve(), "the current directory": Path.cwd().resolve(),
                 "your home directory": Path.home().resolve()}
    if out == Path(out.anchor):
        raise OutputDirError(f"refusing to build into {shown}: it is the root of the file system")
    for name, folder in protected.items():
        if out == folder or out in folder.parents:
            raise OutputDirError(f"refusing to build into {shown}: it is or contains {name} ({display_path(folder)})")
    if content.resolve() in out.parents:
        raise OutputDirError(f"refusing to build into {shown}: it is inside the content directory")
    for homes in (Path("/home"), Path("/Users")):
        if out == homes or out in homes.parents or out.parent == homes:
            raise OutputDirError(f"refusing to build into {shown}: it is or contains home directories")
    if out.exists() and not out.is_dir():
        raise OutputDirError(f"refusing to build into {shown}: it is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not force:
        raise OutputDirError(
            f"refusing to replace {shown}: it is not empty and was not made by weeknotes "
            "(no .weeknotes-build marker inside); choose another --output, or add --force to replace it")
    recorded = recorded_audience(out)
    if recorded is not None and recorded != audience and not force:
        raise OutputAudienceError(
            f"refusing to build for {article(audience)} audience into {shown}: it holds a build for "
            f"{article(recorded)} audience (its {MARKER} file says so), and one folder must never mix audiences\n"
            f"  hint: leave out --output ({article(audience)} build writes {display_path(default_output_for(audience))}/), "
            "choose another --output, or add --force to replace that build")


def article(audience: str) -> str:
    return ("an " if audience[0] in "aeiou" else "a ") + audience


def default_output_for(label: str) -> Path:
    name, _, drafts = label.partition(" + ")
    return default_output(name, bool(drafts))
