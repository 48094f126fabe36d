"""Marshmallow schemas: request validation and the OpenAPI document are both built from these."""
