"""Imports run one way: front doors → areas → core (docs/architecture.md).

Parsed with `ast`, so the rules hold for every import written, run or not: core imports no area
and no front door; an area imports no front door; nobody imports another package's `_private`
name; the areas' imports of one another form no cycle."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = "app.core"
AREAS = (
    "reference",
    "accounts",
    "registry",
    "signs",
    "visits",
    "keepers",
    "ratings",
    "activities",
    "reports",
    "station_pages",
    "problems",
    "spot_checks",
    "supplies",
    "privacy",
)
FRONT_DOORS = ("app.api", "app.console", "app.web", "app.wechat_push", "app.demo", "app.cli", "app.reports_cli", "miniprogram_api")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every import in the file; name is None for `import x.y`."""
    found = []
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found += [(module, alias.name) for alias in node.names]
    return found


def sources() -> dict[str, Path]:
    files = [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("miniprogram_api").rglob("*.py")]
    return {module_name(f): f for f in files}


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def area_of(module: str) -> str | None:
    return next((a for a in AREAS if within(module, "app." + a)), None)


def targets(module: str, name: str | None, known: dict[str, Path]) -> list[str]:
    """The modules an import reaches: `from app.x import y` reaches app.x.y when y is a module."""
    if name and f"{module}.{name}" in known:
        return [f"{module}.{name}"]
    return [module]


def edges():
    known = sources()
    for source, path in sorted(known.items()):
        for module, name in imports(path):
            for target in targets(module, name, known):
                yield source, target, name


def test_core_imports_no_area_and_no_front_door():
    wrong = [(s, t) for s, t, _ in edges() if within(s, CORE) and (area_of(t) or any(within(t, d) for d in FRONT_DOORS))]
    assert wrong == []


def test_areas_import_no_front_door():
    wrong = [(s, t) for s, t, _ in edges() if area_of(s) and any(within(t, d) for d in FRONT_DOORS)]
    assert wrong == []


def test_nobody_imports_another_packages_private_names():
    def package(module: str) -> str:
        return area_of(module) or module.rpartition(".")[0]

    wrong = [
        (s, t, n)
        for s, t, n in edges()
        if (within(t, "app") or within(t, "miniprogram_api"))
        and (
            (n and n.startswith("_") and not n.startswith("__")) or any(p.startswith("_") and not p.startswith("__") for p in t.split("."))
        )
        and package(s) != package(t)
    ]
    assert wrong == []


def test_the_areas_form_no_cycle():
    graph: dict[str, set[str]] = {a: set() for a in AREAS}
    for s, t, _ in edges():
        if area_of(s) and area_of(t) and area_of(s) != area_of(t):
            graph[area_of(s)].add(area_of(t))

    def cycle_from(start: str, node: str, seen: tuple[str, ...]) -> tuple[str, ...] | None:
        for nxt in sorted(graph[node]):
            if nxt == start:
                return (*seen, nxt)
            if nxt not in seen:
                found = cycle_from(start, nxt, (*seen, nxt))
                if found:
                    return found
        return None

    cycles = [c for a in AREAS if (c := cycle_from(a, a, (a,)))]
    assert cycles == []


def test_the_rules_see_the_areas():
    """The rules above would pass vacuously on an empty tree: make sure they read real imports."""
    found = {(area_of(s), area_of(t)) for s, t, _ in edges() if area_of(s) and area_of(t)}
    assert ("registry", "accounts") in found
    assert all((ROOT / "app" / a / "__init__.py").exists() for a in AREAS)
