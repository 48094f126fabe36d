"""The OpenAPI document as client generators read it: one component per schema class, one entry
per tag. APIFlask 3.1 gets both wrong on its own, and `openapi-spec-validator` rejects the result:

- A schema first reached through a `Nested` field is registered by apispec's marshmallow
  plugin; APIFlask keeps its own record of what it registered, misses that one, and registers
  the same class again under a numbered name (`StationOut1`). Here the plugin's record is asked
  first, so a class keeps the one name it got.
- Tags come from blueprints, so two blueprints sharing a tag ("Reports") list it twice.

Tested by tests/test_openapi_document.py (the validator, and no name ending in a digit)."""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import make_schema_key, resolve_schema_instance
from marshmallow import Schema


class DocumentedAPIFlask(APIFlask):
    def _register_schema_and_get_ref(self, spec, registered_schema_classes, schema_obj) -> dict[str, str]:
        name = _registered_name(spec, schema_obj)
        if name is not None:
            return {"$ref": f"#/components/schemas/{name}"}
        return super()._register_schema_and_get_ref(spec, registered_schema_classes, schema_obj)

    def _make_tags(self) -> list[dict[str, Any]]:
        tags: dict[str, dict[str, Any]] = {}
        for tag in super()._make_tags():
            tags.setdefault(tag["name"], tag)  # the first blueprint to name it describes it
        return list(tags.values())


def _registered_name(spec, schema_obj) -> str | None:
    """The component name the marshmallow plugin already gave this schema (same class and
    modifiers), or None."""
    if not isinstance(schema_obj, Schema | type) or (isinstance(schema_obj, type) and not issubclass(schema_obj, Schema)):
        return None
    plugin = next((p for p in spec.plugins if isinstance(p, MarshmallowPlugin)), None)
    if plugin is None or plugin.converter is None:
        return None
    return plugin.converter.refs.get(make_schema_key(resolve_schema_instance(schema_obj)))
