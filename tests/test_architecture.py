"""The layers the tree shows are enforced: import-linter contracts in pyproject.toml, with no exceptions listed,
and what a contract cannot see (route names in strings and templates, where files live) checked here."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "newsstand"
INTERFACES = {"web", "api", "cli"}
DOMAIN_APPS = sorted(
    path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists() and path.name not in INTERFACES
)
# A route of the web app named in code or a template: reverse("web:article"), {% url 'web:story' %}.
WEB_ROUTE = re.compile(r"""["']web:[\w-]+["']""")


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _domain_files(*suffixes: str) -> list[Path]:
    return [path for app in DOMAIN_APPS for path in (PACKAGE / app).rglob("*") if path.suffix in suffixes]


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_contracts_list_no_exceptions():
    assert [c["name"] for c in _contracts() if c.get("ignore_imports")] == []


def test_the_interfaces_are_the_top_layer_and_every_command_is_in_the_cli():
    [layers] = [c["layers"] for c in _contracts() if c["type"] == "layers"]
    assert {name.strip() for name in layers[0].split("|")} == {f"newsstand.{name}" for name in INTERFACES}
    commands = sorted(path.relative_to(ROOT).as_posix() for path in PACKAGE.glob("*/management/commands/*.py"))
    assert commands and all(path.startswith("newsstand/cli/") for path in commands), commands


def test_no_domain_app_names_a_web_route():
    """Addresses on the site are the web app's: domain code gets them from its caller (accounts.services' `link`,
    membership's `membership_url`), never by reversing a route, and has no get_absolute_url."""
    assert DOMAIN_APPS  # the scan below looks somewhere
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _domain_files(".py", ".html", ".txt")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WEB_ROUTE.search(line) or "get_absolute_url" in line
    ]
    assert found == []


def test_presentation_lives_in_web():
    """Static files and template tags are the pages' (domain apps keep only their emails' and admin's templates)."""
    shipped = [f"newsstand/{app}/{kind}" for app in DOMAIN_APPS for kind in ("static", "templatetags")]
    assert [path for path in shipped if (ROOT / path).exists()] == []


def test_the_product_package_holds_no_test_or_bench_code():
    """testkit, tests and bench are not in the wheel ([tool.setuptools.packages.find]): nothing in it imports them."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in PACKAGE.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s*(from|import) (testkit|tests|bench)\b", line)
    ]
    assert found == []
    assert not (PACKAGE / "testing").exists()
