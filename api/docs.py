"""The documentation page's content, read from the OpenAPI schema: each
endpoint with its parameters and an example ``curl``, and each object's fields.
The schema stays the one source of truth; the page only lays it out."""

import json
import shlex
from dataclasses import dataclass, field

EXAMPLE_VALUES = {
    "q": "overfitting",
    "question_id": "1",
    "slug": "statistics",
    "username": "demo",
}


@dataclass
class Parameter:
    name: str
    where: str
    type: str
    required: bool
    description: str


@dataclass
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    tag: str
    needs_token: bool
    parameters: list[Parameter] = field(default_factory=list)
    body: str = ""
    responses: list[tuple[str, str]] = field(default_factory=list)
    curl: str = ""

    @property
    def anchor(self) -> str:
        return (
            f"{self.method}-{self.path}".lower().replace("/", "-").replace("{", "").replace("}", "")
        )


def _ref_name(schema: dict) -> str:
    return schema.get("$ref", "").rsplit("/", 1)[-1]


def type_of(schema: dict) -> str:
    """A short, readable type: ``string``, ``integer``, ``one of a, b``, ``list of X``."""
    if "$ref" in schema:
        return _ref_name(schema)
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        kinds = [type_of(s) for s in schema["anyOf"] if s.get("type") != "null"]
        optional = any(s.get("type") == "null" for s in schema["anyOf"])
        return " or ".join(kinds) + (" (or null)" if optional else "")
    if schema.get("type") == "array":
        return "list of " + type_of(schema.get("items", {}))
    kind = schema.get("type", "any")
    if schema.get("format"):
        kind += f" ({schema['format']})"
    limits = [f"{word} {schema[key]}" for key, word in _LIMITS if key in schema]
    return kind + (f", {', '.join(limits)}" if limits else "")


_LIMITS = (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "at most chars:"))


def _curl(method: str, url: str, needs_token: bool, body: str) -> str:
    parts = ["curl"]
    if method != "GET":
        parts += ["-X", method]
    if needs_token:
        parts += ["-H", '"Authorization: Bearer $MLQA_TOKEN"']
    if body:
        parts += ["-H", shlex.quote("Content-Type: application/json"), "-d", shlex.quote(body)]
    parts.append(shlex.quote(url))
    return " ".join(parts)


def endpoints(schema: dict, base_url: str) -> list[Endpoint]:
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            needs_token = bool(operation.get("security"))
            endpoint = Endpoint(
                method=method.upper(),
                path=path,
                summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                tag=(operation.get("tags") or ["other"])[0],
                needs_token=needs_token,
            )
            example = []
            for param in operation.get("parameters", []):
                endpoint.parameters.append(
                    Parameter(
                        name=param["name"],
                        where=param["in"],
                        type=type_of(param.get("schema", {})),
                        required=param.get("required", False),
                        description=param.get("description", "")
                        or param.get("schema", {}).get("description", ""),
                    )
                )
                if param["in"] == "query" and param["name"] in EXAMPLE_VALUES:
                    example.append(f"{param['name']}={EXAMPLE_VALUES[param['name']]}")
            url_path = path
            for name, value in EXAMPLE_VALUES.items():
                url_path = url_path.replace("{" + name + "}", value)
            url = base_url + url_path + ("?" + "&".join(example) if example else "")
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                endpoint.body = json.dumps({"question_id": 1, "note": "Revise before Friday."})
            for code, response in operation.get("responses", {}).items():
                body = response.get("content", {}).get("application/json", {}).get("schema", {})
                what = type_of(body) if body else response["description"]
                endpoint.responses.append((code, what))
            endpoint.curl = _curl(endpoint.method, url, needs_token, endpoint.body)
            found.append(endpoint)
    return found


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str


@dataclass
class SchemaObject:
    name: str
    fields: list[Field]


def objects(schema: dict) -> list[SchemaObject]:
    found = []
    for name, body in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(body.get("required", []))
        fields = [
            Field(
                name=key,
                type=type_of(prop),
                required=key in required,
                description=prop.get("description", ""),
            )
            for key, prop in body.get("properties", {}).items()
        ]
        found.append(SchemaObject(name=name, fields=fields))
    return found
