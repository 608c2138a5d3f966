"""Every URL route of the site, found by walking the URL configuration.

The security tests iterate over these instead of a hand-kept list, so a view
added tomorrow is covered by the CSRF and bad-input tests without anyone
remembering to add it. A route is a URL pattern with its parameters; ``url()``
fills them in.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# `<int:pk>` in a route pattern, or `(?P<key>[-:\w]+)` in a regular expression.
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


@dataclass(frozen=True)
class Route:
    """One URL pattern; ``template`` has ``{name}`` holes for its parameters."""

    template: str
    name: str
    namespace: str
    callback: Callable
    params: Mapping[str, str]  # parameter name -> converter ("int", "str", "slug", "re:...")

    @property
    def label(self) -> str:
        return "/" + self.template

    @property
    def module(self) -> str:
        view = getattr(self.callback, "view_class", None) or self.callback
        return getattr(view, "__module__", "") or type(view).__module__

    @property
    def is_admin(self) -> bool:
        return self.namespace == "admin" or self.template.startswith("admin/")

    @property
    def is_project(self) -> bool:
        """A view written for MLQA (not Django's or allauth's)."""
        return self.module.split(".")[0] in {"questions", "study", "accounts", "mlqa_site"}

    @property
    def int_params(self) -> list[str]:
        return [name for name, conv in self.params.items() if conv == "int"]

    @property
    def csrf_exempt(self) -> bool:
        return bool(getattr(self.callback, "csrf_exempt", False))

    def url(self, values: Mapping[str, object] | None = None, **more: object) -> str:
        values = {**(values or {}), **more}
        missing = set(self.params) - set(values)
        if missing:
            raise KeyError(f"{self.label} needs {sorted(missing)}")
        return "/" + self.template.format(**{k: values[k] for k in self.params})


def _pattern_text(pattern) -> tuple[str, dict[str, str]]:
    """A URL pattern as a format string and its parameters."""
    if isinstance(pattern, RoutePattern):
        raw = str(pattern)
        params = {m["name"]: m["converter"] or "str" for m in ROUTE_PARAM.finditer(raw)}
        text = ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", raw.replace("{", "{{"))
        return text.replace("}}", "}") if "{{" not in text else text, params
    assert isinstance(pattern, RegexPattern), pattern
    raw = pattern.regex.pattern
    params = {m["name"]: "re:" + m["body"] for m in REGEX_PARAM.finditer(raw)}
    text = REGEX_PARAM.sub(lambda m: "{" + m["name"] + "}", raw)
    text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    text = text.replace("\\.", ".").replace("\\/", "/").replace("\\-", "-")
    return text, params


def _walk(resolver: URLResolver, prefix: str, params: dict, namespace: str):
    for entry in resolver.url_patterns:
        text, own = _pattern_text(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + text, {**params, **own}, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield Route(
                template=prefix + text,
                name=entry.name or "",
                namespace=namespace,
                callback=entry.callback,
                params={**params, **own},
            )


@cache
def all_routes() -> tuple[Route, ...]:
    routes = tuple(_walk(get_resolver(), "", {}, ""))
    leftovers = [r.template for r in routes if re.search(r"[\\^$()\[\]?*+|]", r.template)]
    assert not leftovers, f"patterns this walker cannot turn into URLs: {leftovers}"
    return routes
