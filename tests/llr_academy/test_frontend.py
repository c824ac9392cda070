"""The vendored NHS.UK frontend: built from the pinned npm packages, nothing fetched from another site."""

import json
import re

from ..helpers import ROOT

VENDOR = ROOT / "static" / "vendor"


def test_the_vendored_build_matches_the_pinned_npm_packages():
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    built = dict(
        line.split()
        for line in (VENDOR / "VERSIONS.txt").read_text().splitlines()
        if not line.startswith("#")
    )
    for package in ("nhsuk-frontend", "htmx.org", "sass"):
        assert pinned[package] == locked[f"node_modules/{package}"]["version"] == built[package], package


def test_the_stylesheet_loads_no_web_fonts_and_falls_back_to_arial():
    css = (VENDOR / "nhsuk" / "nhsuk.min.css").read_text()
    assert "@font-face" not in css
    assert re.search(r'html\{[^}]*font-family:"Frutiger W01",arial,sans-serif', css)
    urls = re.findall(r"url\(([^)]*)\)", css)
    assert urls, "the stylesheet's icons should be found"
    external = [u for u in urls if not u.strip("\"'").startswith("data:") and ("//" in u or ":" in u)]
    assert external == []


def test_every_asset_the_stylesheet_names_is_vendored():
    css = (VENDOR / "nhsuk" / "nhsuk.min.css").read_text()
    for url in re.findall(r"url\(([^)]*)\)", css):
        url = url.strip("\"'")
        if not url.startswith("data:"):
            assert (VENDOR / "nhsuk" / url.split("?")[0].split("#")[0]).is_file(), url


def test_the_script_modules_and_images_are_vendored():
    init = (ROOT / "static" / "js" / "nhsuk-init.js").read_text()
    assert "from '../vendor/nhsuk/nhsuk-frontend.min.js'" in init
    assert "sourceMappingURL" not in (VENDOR / "nhsuk" / "nhsuk-frontend.min.js").read_text()
    for name in ("favicon.ico", "favicon.svg"):
        assert (VENDOR / "nhsuk" / "assets" / "images" / name).is_file()
