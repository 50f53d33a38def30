"""The house rules (CONTRIBUTING.md) as tests: layers, no cycles, no deferred imports, same rooms, sizes."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sandbox"
VENDORS = ("webex", "infobip", "zexa", "dailystory")
# Only the entry points may defer imports, to keep the start fast (the CLI lists vendors without loading them);
# the package's own __init__ loads ``sandbox.mock`` on first use, so `import sandbox` stays as light.
MAY_DEFER = {PACKAGE / "cli.py", PACKAGE / "server.py", PACKAGE / "pytest_plugin.py", PACKAGE / "__init__.py"}
# Third-party modules the first answer after start never needs, imported on first use through
# ``sandbox.core.deferred.Deferred`` (issue 16, start time; tests/test_startup.py shows each one's use).
DEFERRED = {
    "urllib3": "the webhook POST: about 15 ms of a start",
    "PIL.Image": "the check of a Webex logo: about 8 ms",
    "apispec": "the OpenAPI documents, built when one is asked for",
    "apispec.ext.marshmallow": "the same",
}
ROOMS = ("__init__", "routes", "schemas", "errors", "machines")  # plus models (a module, or a package past ~400 lines)
MAX_FUNCTION_LINES = 60
MAX_VIEWS_LINES = 200
MAX_MODULE_LINES = 400
TESTS = ROOT / "tests"


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_import_linter_contracts_are_kept() -> None:
    """Layers, a Flask-free core, independent vendors and acyclic siblings (pyproject's [tool.importlinter])."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert command, "import-linter is not installed (pip install -e '.[dev]')"
    run = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_no_module_imports_its_way_back_to_itself() -> None:
    """Zero cycles over every module's own imports, function-local ones included (grimp's graph, as lint-imports).

    The acyclic-siblings contract compares the children of each package, so it misses a cycle through a package's
    own ``__init__``: e.g. ``sandbox`` loading ``sandbox.mocking`` on first use while a module under it imports
    ``sandbox`` for its version.
    """
    graph = grimp.build_graph("sandbox", cache_dir=None)
    cycles = sorted(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(importer=imported, imported=importer)
    )
    assert not cycles, f"imports that close a cycle: {cycles}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_is_deferred_or_hidden_outside_the_entry_points(path: Path) -> None:
    if path in MAY_DEFER:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    hidden = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top_level
    ]
    assert not hidden, f"{path.name}: imports inside a function or a TYPE_CHECKING block at lines {hidden}"


def test_only_the_listed_third_party_modules_are_deferred_and_only_through_deferred() -> None:
    """``Deferred("name")`` with a listed name is the one way to import later; no import machinery elsewhere."""
    deferred, machinery = set(), []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "Deferred":
                assert len(node.args) == 1 and isinstance(node.args[0], ast.Constant), ast.unparse(node)
                deferred.add(node.args[0].value)
            elif isinstance(node, ast.Attribute | ast.Name) and ast.unparse(node).split(".")[-1] in (
                "import_module",
                "__import__",
                "LazyLoader",
            ):
                machinery.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert deferred == set(DEFERRED), "list a deferred module in DEFERRED with its reason (and drop unused ones)"
    assert not [name for name in deferred if name.split(".")[0] == "sandbox"], "ours stay visible to import-linter"
    assert machinery == ["sandbox/core/deferred.py:29"]


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_vendor_has_the_same_rooms(vendor: str) -> None:
    folder = PACKAGE / "vendors" / vendor
    for room in ROOMS:
        assert (folder / f"{room}.py").is_file(), f"{vendor} has no {room}.py"
    assert (folder / "models.py").is_file() != (folder / "models").is_dir(), f"{vendor}: models.py or models/"
    spec = ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))
    defined = [node.name for node in spec.body if isinstance(node, ast.FunctionDef | ast.ClassDef)]
    assert not defined, f"{vendor}/__init__.py holds the spec only, not {defined}"


def test_no_vendor_keeps_an_old_room_name() -> None:
    old = {"base.py", "machine.py", "brands.py", "campaigns.py", "listing.py", "contacts.py", "credits.py"}
    found = [str(p.relative_to(PACKAGE)) for v in VENDORS for p in (PACKAGE / "vendors" / v).glob("*.py")]
    assert not [name for name in found if Path(name).name in old]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    limit = MAX_VIEWS_LINES if path.name.startswith("routes") else MAX_MODULE_LINES
    assert len(source.splitlines()) <= limit, f"{path.name} is over {limit} lines: split it by resource"
    long = [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_blueprints_are_built_once_at_module_level() -> None:
    """No blueprint factory: every ``Blueprint(...)`` is a module-level assignment, its views declared beside it."""
    inside = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node.value) for node in tree.body if isinstance(node, ast.Assign)}
        inside += [
            f"{path.relative_to(ROOT)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and ast.unparse(node.func).split(".")[-1] == "Blueprint"
            and id(node) not in top
        ]
    assert not inside, f"blueprints built inside a function: {inside}"


def test_vendors_load_bodies_only_through_accepts() -> None:
    """One loader: ``web.pipeline.accepts`` loads each body at the view edge; views and backends never load."""
    loads = []
    for path in (PACKAGE / "vendors").rglob("*.py"):
        if path.name.startswith("schemas"):  # a schema may load its parts (Infobip's polymorphic bodies)
            continue
        loads += [
            f"{path.relative_to(ROOT)}:{node.lineno}"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("load", "loads", "validate")
        ]
    assert not loads, f"a schema loaded outside accepts(): {loads}"


def test_vendor_code_never_reaches_for_flask_globals() -> None:
    """Views get their tenant and body from the pipeline; renderers and hooks are functions of their arguments."""
    offenders = []
    for path in (PACKAGE / "vendors").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                names = {alias.name for alias in node.names} - {"Blueprint"}
                if names:
                    offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(names)}")
            if isinstance(node, ast.Name) and node.id == "current_sandbox":
                offenders.append(f"{path.relative_to(PACKAGE)}: current_sandbox")
    assert not offenders


def view_modules() -> list[Path]:
    """Each vendor's ``routes.py``, and the ``routes_<resource>.py`` whose blueprints it nests when it grows."""
    return sorted(path for vendor in VENDORS for path in (PACKAGE / "vendors" / vendor).glob("routes*.py"))


@pytest.mark.parametrize("path", view_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_view_is_its_decorators_and_one_backend_call(path: Path) -> None:
    vendor = path.parent.name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    views = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(isinstance(d, ast.Call) and ast.unparse(d.func).startswith("bp.") for d in node.decorator_list)
    ]
    assert views, f"{vendor}/{path.name} declares no views on its module-level blueprint"
    for view in views:
        body = [statement for statement in view.body if not isinstance(statement, ast.Expr)]  # docstrings aside
        assert len(body) == 1 and isinstance(body[0], ast.Return), f"{vendor}.{view.name} is more than one call"
        calls = [node for node in ast.walk(body[0]) if isinstance(node, ast.Call)]
        assert len(calls) <= 3, f"{vendor}.{view.name}: one backend call (plus its constructor and an envelope)"


def test_the_tests_mirror_the_code_with_one_fixture_style() -> None:
    """tests/core, tests/web, tests/vendors/<v> and tests/live (real sockets, marked live) beside the tests of the
    top-level modules; tests/conftest.py's ``client``, ``sandbox`` and ``fresh_key`` are the only ones (a module or
    class may override ``app`` for another configuration), and the plugin's in-process fixtures are left to users."""
    folders = {path.name for path in TESTS.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert folders == {"core", "web", "vendors", "live"}
    vendors = {path.name for path in (TESTS / "vendors").iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert vendors == set(VENDORS)
    strays = []
    for path in sorted(TESTS.rglob("*.py")):
        nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
        where = str(path.relative_to(TESTS))
        marked = any(isinstance(node, ast.Attribute) and ast.unparse(node) == "pytest.mark.live" for node in nodes)
        if path.name.startswith("test_") and (path.parent.name == "live") != marked:
            strays.append(f"{where}: the live mark belongs to tests/live and every module there")
        if path == TESTS / "conftest.py":
            continue
        for node in nodes:
            if (
                isinstance(node, ast.FunctionDef)
                and node.name in ("client", "sandbox", "fresh_key")
                and any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)
            ):
                strays.append(f"{where}: a fixture {node.name} of its own")
            if isinstance(node, ast.arg) and node.arg in ("sandbox_app", "sandbox_client"):
                strays.append(f"{where}: the plugin's {node.arg} instead of the suite's app and client")
    assert not strays
