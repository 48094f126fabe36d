"""One registry of error codes (app/core/error_codes.py): services raise only registered codes,
each under the status the registry gives it, and the OpenAPI document lists the registry."""

import ast
import importlib
import pkgutil
from pathlib import Path

import app as app_package
from app.api.errors import HTTP_ERRORS, status_of
from app.core import error_codes
from app.core.errors import DomainError

ROOT = Path(__file__).resolve().parent.parent
FRONT_DOORS = ("app/api", "app/console", "app/web", "app/wechat_push", "app/demo", "app/cli.py", "app/reports_cli.py")


def service_sources():
    for path in sorted(ROOT.joinpath("app").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(FRONT_DOORS) and relative != "app/core/error_codes.py":
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def test_services_name_codes_from_the_registry_not_as_literals():
    literals = []
    for relative, tree in service_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant):
                literals.append((relative, node.value.value))
            assigns_code = isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "code" for t in node.targets)
            if assigns_code and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                literals.append((relative, node.value.value))
    assert literals == []


def every_domain_error():
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)
    found, todo = [], [DomainError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_domain_error_class_has_a_registered_code_and_status():
    wrong = []
    for cls in every_domain_error():
        entry = error_codes.REGISTRY.get(cls.code)
        status = status_of(cls()) if cls.__init__ is DomainError.__init__ else None
        if entry is None or (status is not None and status not in (entry.status, *entry.also)):
            wrong.append((cls.__name__, cls.code, status))
    assert wrong == []


def test_the_framework_codes_are_registered_with_their_status():
    assert {code: error_codes.REGISTRY[code].status for code, _ in HTTP_ERRORS.values()} == {
        code: status for status, (code, _) in HTTP_ERRORS.items()
    }


def test_the_openapi_document_lists_the_registry_and_only_registered_codes(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["info"]["x-error-codes"] == error_codes.as_document()
    assert spec["info"]["x-error-codes"]["station_not_found"] == {"status": 404, "message": "未找到该站点"}
    unregistered = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for listed in operation.get("x-error-codes", []):
                entry = error_codes.REGISTRY.get(listed["code"])
                if entry is None or listed["status"] not in (entry.status, *entry.also):
                    unregistered.append((method, path, listed))
    assert unregistered == []
