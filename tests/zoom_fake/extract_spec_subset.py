"""Cut Zoom's Meeting API OpenAPI document down to the operations the fake Zoom validates.

The full document is about 2 MB and lives outside this repository; the fake only needs the
meeting endpoints the client calls, so the repository ships that subset and this script
makes it again from a full copy (stdlib only, so it runs without the virtualenv)::

    python tests/zoom_fake/extract_spec_subset.py path/to/zoom-meeting-api.openapi.json \\
        > tests/zoom_fake/zoom-meeting-api.subset.json

The output keeps the full document's key order and is byte-for-byte repeatable, so a
regenerated file diffs cleanly against the shipped one.
"""

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

# (path template, method): the calls wagtail_pmc_booking.zoom.client makes. Zoom's OAuth
# token endpoint (https://zoom.us/oauth/token) is not in the Meeting API document.
OPERATIONS: tuple[tuple[str, str], ...] = (
    ("/users/{userId}/meetings", "post"),
    ("/users/{userId}/meetings", "get"),
    ("/meetings/{meetingId}", "get"),
    ("/meetings/{meetingId}", "patch"),
    ("/meetings/{meetingId}", "delete"),
)
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def extract(document: dict[str, Any], operations: Iterable[tuple[str, str]] = OPERATIONS):
    """The document with only ``operations`` and the components they reach.

    Components are kept when reached by ``$ref`` (transitively) or named by an operation's
    ``security`` requirement, which points at ``securitySchemes`` by name, not by ``$ref``.
    """
    wanted: dict[str, set[str]] = {}
    for template, method in operations:
        method = method.lower()
        if method not in document.get("paths", {}).get(template, {}):
            raise KeyError(f"{method.upper()} {template} is not in the document")
        wanted.setdefault(template, set()).add(method)

    paths = {}
    for template, item in document["paths"].items():
        if template in wanted:
            paths[template] = {
                key: value
                for key, value in item.items()
                if key not in HTTP_METHODS or key in wanted[template]
            }

    needed = _closure(document, paths)
    components = {
        section: {name: entry for name, entry in entries.items() if (section, name) in needed}
        for section, entries in document.get("components", {}).items()
    }
    components = {section: entries for section, entries in components.items() if entries}

    subset = {}
    for key, value in document.items():
        if key == "paths":
            subset[key] = paths
        elif key == "components":
            if components:
                subset[key] = components
        else:
            subset[key] = value
    return subset


def _closure(document: dict[str, Any], paths: dict[str, Any]) -> set[tuple[str, str]]:
    """Every ``(section, name)`` component the kept paths need, following refs inside refs."""
    sections = document.get("components", {})
    needed: set[tuple[str, str]] = set()
    pending = [paths]
    for requirement in _security_requirements(paths, document.get("security", [])):
        for name in requirement:
            pending.append(_component(sections, "securitySchemes", name, f"security {name!r}"))
            needed.add(("securitySchemes", name))
    while pending:
        for ref in _refs(pending.pop()):
            parts = _pointer(ref)
            if len(parts) < 3 or parts[0] != "components":
                raise ValueError(f"$ref {ref!r} does not point into #/components/")
            key = (parts[1], parts[2])
            if key not in needed:
                needed.add(key)
                pending.append(_component(sections, parts[1], parts[2], f"$ref {ref!r}"))
    return needed


def _security_requirements(paths: dict[str, Any], top: list) -> Iterator[dict[str, list]]:
    yield from top
    for item in paths.values():
        for key, operation in item.items():
            if key in HTTP_METHODS:
                yield from operation.get("security", [])


def _component(sections: dict[str, Any], section: str, name: str, why: str) -> Any:
    try:
        return sections[section][name]
    except KeyError:
        raise KeyError(f"{why}: no component {section}/{name} in the document") from None


def _pointer(ref: str) -> list[str]:
    """A local JSON pointer's parts; other documents' refs cannot be shipped, so refuse them."""
    if not ref.startswith("#/"):
        raise ValueError(f"$ref {ref!r} is not local to the document")
    return [part.replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/")]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def dumps(subset: dict[str, Any]) -> str:
    """The shipped file's exact text: two-space indent, UTF-8 as is, final newline."""
    return json.dumps(subset, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} FULL_OPENAPI_JSON > SUBSET_JSON", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        document = json.load(f)
    # Bytes, not text: the output must not depend on the terminal's locale or newlines.
    sys.stdout.buffer.write(dumps(extract(document)).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
