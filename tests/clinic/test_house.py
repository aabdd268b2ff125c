"""The house rule, read from the source: `core` imports no app of ours, apps import `core` and the site-level part
of `clinic` (which imports no app), only `clinic`'s wiring imports the apps, and nothing runs in a circle.

Every import counts, at the top of a module or inside a function, migrations and management commands included.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CORE, CLINIC = "core", "clinic"
APPS = ("blog", "pages", "menus", "redirects", "wordpress", "twofactor", "embeds")
OURS = (CORE, CLINIC, *APPS, "tools", "benchmarks", "tests")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    found = {}
    for package in (CORE, CLINIC, *APPS):
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def imported(name, path, known):
    """The modules of ours that module `name` (at `path`) imports, resolved to module names."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module
            # `from core import pagecache` imports the module core.pagecache; `from core.links import x` core.links.
            targets = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source for alias in node.names
            ]
        else:
            continue
        yield from (target for target in targets if target.split(".")[0] in OURS)


def graph():
    known = modules()
    return {name: set(imported(name, path, known)) for name, path in known.items()}


def package(module):
    return module.split(".")[0]


def site_level(edges):
    """clinic's modules that the apps import, with all they import in turn: clinic's site-level part."""
    found = {target for source, targets in edges.items() if package(source) in APPS for target in targets}
    found = {module for module in found if package(module) == CLINIC}
    while True:
        more = {target for module in found for target in edges.get(module, ()) if package(target) == CLINIC} - found
        if not more:
            return found
        found |= more


def test_core_imports_no_app_of_ours():
    wrong = {(source, target) for source, targets in graph().items() for target in targets}
    wrong = {(s, t) for s, t in wrong if package(s) == CORE and package(t) != CORE}

    assert not wrong, f"core must know no app: {sorted(wrong)}"


def test_the_clinic_modules_apps_rely_on_import_no_app():
    edges = graph()
    relied_on = site_level(edges)
    wrong = {(module, target) for module in relied_on for target in edges[module] if package(target) in APPS}

    assert relied_on, "the apps take site-level things (clinic settings, page metadata) from clinic"
    assert not wrong, f"clinic's site-level modules must import no app (only its wiring may): {sorted(wrong)}"


def test_nothing_of_ours_imports_the_tools_or_the_tests():
    wrong = {
        (s, t) for s, targets in graph().items() for t in targets if package(t) in ("tools", "benchmarks", "tests")
    }

    assert not wrong, sorted(wrong)


def test_there_is_no_circle_between_the_floors():
    """Floors: core, clinic's site-level modules, each app, clinic's wiring. No floor may reach itself again."""
    edges = graph()
    site = site_level(edges)

    def floor(module):
        if package(module) == CLINIC:
            return "clinic (site)" if module in site else "clinic (wiring)"
        return package(module)

    floors = {}
    for source, targets in edges.items():
        floors.setdefault(floor(source), set()).update(
            floor(target) for target in targets if floor(target) != floor(source)
        )

    def reaches(start, goal, seen=()):
        return any(
            step == goal or (step not in seen and reaches(step, goal, {*seen, step})) for step in floors.get(start, ())
        )

    circles = sorted(name for name in floors if reaches(name, name))
    assert not circles, f"floors that import themselves back: {circles}; edges {floors}"


def test_the_reader_of_imports_sees_them():
    """The checks above are only as good as this reader: it must find imports written in each of the ways we use."""
    edges = graph()

    assert "core.pagecache" in edges["blog.apps"]  # `from core import pagecache`, inside ready()
    assert "blog.models" in edges["blog.views"]  # `from .models import ...`
    assert "core.images" in edges["core.templatetags.core_tags"]  # `from ..images import ...`
    assert "blog.sitemaps" in edges["clinic.sitemaps"]  # `from blog.sitemaps import ...`
    assert {"clinic.theme", "clinic.models"} <= site_level(edges)  # what the apps import, and what that imports
    assert "clinic.roles" in edges["blog.migrations.0008_roles"]
