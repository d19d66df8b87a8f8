"""Zoom's OpenAPI document and a validator for the part of JSON Schema it uses.

The fake checks every request body and parameter against the real spec (the subset of it
shipped beside this module, or ``$PMC_ZOOM_SPEC``), so the client cannot drift from what
Zoom accepts. The validator is stricter than Zoom in two ways, on
purpose: unknown properties are errors (a misspelt field would otherwise be ignored
silently), and a schema keyword it does not implement is reported rather than skipped.
"""

import functools
import json
import os
import re
from datetime import date, datetime
from pathlib import Path

SPEC_ENV = "PMC_ZOOM_SPEC"
# The part of Zoom's document the fake uses, shipped so a bare clone can run the suite;
# extract_spec_subset.py makes it from a full copy (see README.md here).
SUBSET_PATH = Path(__file__).resolve().parent / "zoom-meeting-api.subset.json"

_ANNOTATIONS = {"description", "example", "examples", "default", "deprecated", "title"}
_KEYWORDS = {
    "type",
    "properties",
    "required",
    "enum",
    "items",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "maximum",
    "minimum",
    "maxItems",
    "minItems",
}
_DATE_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
# The spec's passcode description, which its schema (maxLength only) does not encode.
PASSCODE_RE = re.compile(r"[A-Za-z0-9@_*-]{1,10}")


def spec_path() -> Path:
    """``$PMC_ZOOM_SPEC`` (e.g. a full copy of Zoom's document), else the shipped subset.

    A configured path that is missing is an error, not a quiet fall back to the subset:
    whoever set it meant the fake to validate against that file.
    """
    configured = os.environ.get(SPEC_ENV)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise FileNotFoundError(
                f"{SPEC_ENV} is set to {configured!r}, which is not a file. Point it at a "
                f"Zoom Meeting API OpenAPI document, or unset it to use {SUBSET_PATH.name}."
            )
        return path
    if not SUBSET_PATH.is_file():
        raise FileNotFoundError(
            f"The shipped Zoom spec subset {SUBSET_PATH} is missing; regenerate it with "
            "tests/zoom_fake/extract_spec_subset.py (see tests/zoom_fake/README.md)."
        )
    return SUBSET_PATH


@functools.cache
def _load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_spec(path=None):
    return _load(Path(path) if path else spec_path())


def operation(spec, template, method):
    return spec["paths"][template][method.lower()]


def request_schema(spec, template, method):
    body = operation(spec, template, method).get("requestBody")
    return body["content"]["application/json"]["schema"] if body else None


def response_schema(spec, template, method, status):
    content = operation(spec, template, method)["responses"][str(status)].get("content")
    return content["application/json"]["schema"] if content else None


def validate(schema, value, where="body", *, allow_unknown=False):
    """Every way ``value`` breaks ``schema``, as ``"where: what"`` strings."""
    errors = []
    _check(schema, value, where, errors, allow_unknown)
    return errors


def validate_parameters(spec, template, method, path_params, query):
    """Check path and query parameters (strings off the wire) against the operation."""
    errors = []
    declared = {(p["in"], p["name"]): p for p in operation(spec, template, method)["parameters"]}
    supplied = {("path", k): v for k, v in path_params.items()}
    supplied.update({("query", k): v for k, v in query.items()})
    for key, raw in supplied.items():
        param = declared.get(key)
        if param is None:
            errors.append(f"{key[0]} parameter {key[1]}: not in the spec")
            continue
        value, problem = _from_wire(raw, param["schema"])
        if problem:
            errors.append(f"{key[0]} parameter {key[1]}: {problem}")
        else:
            _check(param["schema"], value, f"{key[0]} parameter {key[1]}", errors, False)
    for key, param in declared.items():
        if param.get("required") and key not in supplied:
            errors.append(f"{key[0]} parameter {key[1]}: required")
    return errors


def _from_wire(raw, schema):
    kind = schema.get("type")
    if kind == "integer":
        try:
            return int(raw), None
        except ValueError:
            return None, f"{raw!r} is not an integer"
    if kind == "boolean":
        if raw in ("true", "false"):
            return raw == "true", None
        return None, f"{raw!r} is not a boolean"
    return raw, None


def _is_type(value, kind):
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, {"string": str, "boolean": bool, "object": dict, "array": list}[kind])


def _check(schema, value, where, errors, allow_unknown):
    unsupported = {
        k for k in schema if k not in _KEYWORDS and k not in _ANNOTATIONS and k != "extensions"
    }
    if unsupported:
        errors.append(f"{where}: the validator does not implement {sorted(unsupported)}")
        return
    kind = schema.get("type")
    if kind and not _is_type(value, kind):
        errors.append(f"{where}: expected {kind}, got {type(value).__name__} {value!r}")
        return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        _check_string(schema, value, where, errors)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(schema, value, where, errors)
    elif isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{where}: more than {schema['maxItems']} items")
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{where}: fewer than {schema['minItems']} items")
        for index, item in enumerate(value):
            _check(schema.get("items", {}), item, f"{where}[{index}]", errors, allow_unknown)
    elif isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{where}.{name}: required")
        for name, item in value.items():
            if name in properties:
                _check(properties[name], item, f"{where}.{name}", errors, allow_unknown)
            elif properties and not allow_unknown:
                errors.append(f"{where}.{name}: not a property in the spec")


def _check_string(schema, value, where, errors):
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        errors.append(f"{where}: longer than {schema['maxLength']} characters")
    if "minLength" in schema and len(value) < schema["minLength"]:
        errors.append(f"{where}: shorter than {schema['minLength']} characters")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{where}: does not match {schema['pattern']!r}")
    fmt = schema.get("format")
    if fmt == "date-time":
        ok = bool(_DATE_TIME_RE.fullmatch(value))
        if ok:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                ok = False
        if not ok:
            errors.append(f"{where}: {value!r} is not a date-time")
    elif fmt == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            errors.append(f"{where}: {value!r} is not a date")
    elif fmt == "email":
        if not _EMAIL_RE.fullmatch(value):
            errors.append(f"{where}: {value!r} is not an email address")
    elif fmt is not None:
        errors.append(f"{where}: the validator does not implement format {fmt!r}")


def _check_number(schema, value, where, errors):
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{where}: above {schema['maximum']}")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{where}: below {schema['minimum']}")
    fmt = schema.get("format")
    if fmt in _INT_RANGES:
        low, high = _INT_RANGES[fmt]
        if not low <= value <= high:
            errors.append(f"{where}: outside {fmt}")
    elif fmt is not None:
        errors.append(f"{where}: the validator does not implement format {fmt!r}")
