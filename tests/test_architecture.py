"""The package's shape (issue 11): imports point from later stages to earlier ones, functions and modules stay small.

Every module under src/scarleaflets is parsed with ``ast`` (nothing is imported) and given a stage: the
stage packages by their name, the modules still at the top level by the table below, which names them as the
stage they belong to, so the test holds before and after they move into their packages.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

SRC = REPO / "src"
PACKAGE = SRC / "scarleaflets"

# Earlier stages first; a module may import its own stage and earlier ones, never a later one.
STAGES = ("core", "content", "i18n", "brands", "views", "leaflets", "releases", "mail", "web", "cli")
# Top-level modules that are not core (errors, config, output, text and the package itself are core).
TOP_LEVEL = {
    # The email series are content YAML (content/series/), validated like topics, and the i18n extractor
    # reads their messages; so the series model is content, although the mail stage is its main user.
    "series": "content",
    # What both outputs start from: content, brands, catalogs and the leaflets' fonts, loaded and checked once
    # from the working tree. It loads leaflets.fonts (never the PDF engine), so it sits with the leaflets; the
    # releases/ stage (issue 12) builds on it.
    "release": "leaflets",
    # A look at the store before a send pass, with no SQLAlchemy: outside the mail package, whose __init__
    # loads the whole service, but part of the mail stage.
    "idle": "mail",
    "mailing": "mail",
    "store": "mail",
    "compose": "mail",
    "drip": "mail",
    "delivery": "mail",
    "bounces": "mail",
    "signing": "mail",
    "migrations": "mail",
    "web": "web",
    "signins": "web",
    "checks": "cli",  # `scarleaflets check` gathers every stage
    "__main__": "cli",
}
# The stage packages (src/scarleaflets/<name>/), each its own stage. Clinic brand files read content assets
# and CLDR locale data, and the view model, leaflets and mail use them: brands sit between i18n and views.
PACKAGES = {"core", "content", "i18n", "brands", "views", "leaflets", "releases", "mail", "web", "cli"}

MAX_FUNCTION_LINES = 80
# Functions allowed to be longer, each with the reason.
LONG_FUNCTIONS: set[str] = set()

MAX_MODULE_LINES = 500
# Modules allowed to be longer, each with the reason.
LONG_MODULES: set[str] = set()


def module_name(path: Path) -> str:
    """``src/scarleaflets/i18n/qa.py`` -> ``i18n.qa``; a package's ``__init__`` is the package itself."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def stage(module: str) -> str:
    first = module.split(".")[0]
    if first in PACKAGES:
        return first
    return TOP_LEVEL.get(first, "core")


def imported(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``module`` imports (at the top, in functions, or for type checking)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] + ([node.module] if node.module else [])
                parent = ".".join(["scarleaflets", *base])
            else:
                parent = node.module or ""
            # `from . import i18n` imports the module i18n; `from .errors import Problem` the module errors.
            names = [f"{parent}.{alias.name}" for alias in node.names] + [parent]
        else:
            continue
        for name in names:
            if name == "scarleaflets" or not name.startswith("scarleaflets."):
                continue
            target = name.removeprefix("scarleaflets.")
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target:
                found.add(target)
    return found


def functions(tree: ast.AST, prefix: str = "") -> list[tuple[str, int, int]]:
    """(qualified name, first line, number of lines) of every function and method, nested ones included."""
    found = []
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                assert child.end_lineno is not None
                found.append((name, child.lineno, child.end_lineno - child.lineno + 1))
            found += functions(child, f"{name}.")
        else:
            found += functions(child, prefix)
    return found


def test_every_module_has_a_known_stage():
    for module in modules():
        assert stage(module) in STAGES, module
    assert {stage(module) for module in modules() if module.split(".")[0] == "cli"} == {"cli"}


def test_no_import_from_an_earlier_stage_to_a_later_one():
    known = modules()
    edges = []
    for module, path in known.items():
        for target in sorted(imported(module, path, set(known))):
            if STAGES.index(stage(target)) > STAGES.index(stage(module)):
                edges.append(f"{module} ({stage(module)}) imports {target} ({stage(target)})")
    assert edges == [], "imports against the flow of stages:\n" + "\n".join(edges)


def test_the_resolver_sees_relative_and_lazy_imports():
    known = modules()
    assert {"content", "content.validation", "i18n.locales"} <= imported(
        "brands.schema", known["brands.schema"], set(known)
    )
    assert {"errors", "brands.model"} <= imported("brands.reading", known["brands.reading"], set(known))
    assert "leaflets.build" in imported("cli.leaflets", known["cli.leaflets"], set(known))  # inside a command
    assert {"cli.app", "cli.mail", "cli.i18n"} <= imported("cli", known["cli"], set(known))


def test_no_function_over_80_lines():
    long = []
    for module, path in modules().items():
        for name, line, length in functions(ast.parse(path.read_text(encoding="utf-8"))):
            qualified = f"{module}.{name}"
            if length > MAX_FUNCTION_LINES and qualified not in LONG_FUNCTIONS:
                long.append(
                    f"src/scarleaflets/{path.relative_to(PACKAGE)}:{line}: {qualified}: {length} lines"
                )
    assert long == [], f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


def test_no_module_over_500_lines():
    long = []
    for module, path in modules().items():
        length = len(path.read_text(encoding="utf-8").splitlines())
        # Generated tables are data, not code to read.
        if length > MAX_MODULE_LINES and module not in LONG_MODULES and not path.name.startswith("_"):
            long.append(f"src/scarleaflets/{path.relative_to(PACKAGE)}: {length} lines")
    assert long == [], f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def test_the_allow_lists_name_real_code():
    known = modules()
    names = {
        f"{module}.{name}"
        for module, path in known.items()
        for name, *_ in functions(ast.parse(path.read_text()))
    }
    # An entry whose code was split or moved is taken off, so the list never excuses new code.
    stale = sorted((LONG_FUNCTIONS - names) | {m for m in LONG_MODULES if m not in known})
    assert stale == [], f"allow-list entries that no longer exist: {stale}"


# What the store exposes that is SQL: its tables and the metadata that holds them.
STORE_TABLES = {"metadata", "enrollments", "deliveries", "suppressions", "bounce_events", "sign_in_failures"}


def test_only_the_store_speaks_sql():
    """Outside mail/store (and its migrations) no module imports SQLAlchemy, except its exception classes (to
    answer a database outage), and none imports the store's tables: every query is a Store method."""
    found = []
    for module, path in modules().items():
        if module.startswith(("mail.store", "mail.migrations")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [
                    alias.name for alias in node.names if (node.module or "").endswith("store")
                ]
            else:
                continue
            for name in names:
                if (name.startswith("sqlalchemy") and name != "sqlalchemy.exc") or name in STORE_TABLES:
                    found.append(f"src/scarleaflets/{path.relative_to(PACKAGE)}:{node.lineno}: {name}")
    assert found == [], "SQL outside the store:\n" + "\n".join(found)
