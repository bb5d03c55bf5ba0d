"""Check any built site with the outside checkers, page by page: every HTML page through the
Nu Html Checker, then every page through axe-core in Debian's Chromium at a phone and a
desktop width in light and dark colour schemes, with a check for sideways scrolling.

    .venv/bin/python tests/browser/check_site.py public/            # after `make build`
    .venv/bin/python tests/browser/check_site.py public/ --quick    # desktop light, phone dark

The test suite checks a chosen set of pages (tests/test_browser.py, tests/test_html_valid.py);
this is the same check over all of them, for a maintainer or a reviewer. Exit status 1 when
anything is found. Needs what `make browser-deps` installs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.browser_support import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    VNU_JAR,
    html_pages,
    serving,
)

AXE_PATH = "/__checks__/axe.min.js"

Scheme = Literal["light", "dark"]


def run_vnu(root: Path, pages: list[Path]) -> int:
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        print("vnu: skipped (needs java and tests/browser/node_modules: run `make browser-deps`)")
        return 0
    result = subprocess.run([java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
                             *map(str, pages)], capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr).get("messages", [])
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    for m in errors:
        rel = Path(m.get("url", "").removeprefix("file:")).relative_to(root)
        print(f"vnu: {rel}:{m.get('lastLine')}: {m.get('message')}")
    print(f"vnu: {len(errors)} error(s) in {len(pages)} pages")
    return len(errors)


def run_axe(root: Path, pages: list[Path], combos: list[tuple[int, Scheme]]) -> int:
    from playwright.sync_api import sync_playwright

    problems = 0
    with serving(root, prefix="/", extra_files={AXE_PATH: AXE_JS}) as server, sync_playwright() as pw:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        for width, scheme in combos:
            context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
            context.route(lambda url: not url.startswith(base), lambda route: route.abort())
            page = context.new_page()
            for path in pages:
                rel = path.relative_to(root).as_posix()
                page.goto(base + rel.removesuffix("index.html"), wait_until="load")
                page.add_script_tag(url=AXE_PATH)
                found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]}))
                    .violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", "))""")
                if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
                    found.append("scrolls sideways")
                for problem in found:
                    print(f"axe {width}px {scheme}: {rel}: {problem}")
                problems += len(found)
            context.close()
            print(f"axe {width}px {scheme}: checked {len(pages)} pages")
        browser.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="a built site, e.g. public/")
    parser.add_argument("--quick", action="store_true", help="two of the four width and scheme combinations")
    args = parser.parse_args()
    root = args.site.resolve()
    pages = html_pages(root)
    combos: list[tuple[int, Scheme]] = [(1280, "light"), (390, "dark")]
    if not args.quick:
        combos += [(390, "light"), (1280, "dark")]
    problems = run_vnu(root, pages) + run_axe(root, pages, combos)
    print("no problems found" if problems == 0 else f"{problems} problem(s) found")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
