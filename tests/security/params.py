"""Real values for a route's parameters: ids and slugs of objects in the world."""

import re

from django.apps import apps

from tests.security.conftest import World, pk_model
from tests.security.routes import Route

ADMIN_OBJECT = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/\{object_id\}/")


def _admin_object_ids(route: Route) -> list[str]:
    match = ADMIN_OBJECT.match(route.template)
    if not match:
        return ["1"]
    model = apps.get_model(match["app"], match["model"])
    pk = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
    return [str(pk if pk is not None else 1)]


def _regex_sample(pattern: str) -> list[str]:
    for candidate in ("questions", "abc-1", "1", "x"):
        if re.fullmatch(pattern, candidate):
            return [candidate]
    raise AssertionError(f"no sample value matches {pattern!r}")


def candidates(route: Route, world: World) -> list[dict[str, str]]:
    """Every useful way to fill the route's parameters with things that exist.

    Ids come from every object of the named model in the world (the member's
    own, another member's, hidden ones), so whoever is signed in, at least one
    of them is something that member may act on.
    """
    choices: dict[str, list[str]] = {}
    for name, converter in route.params.items():
        if route.is_admin and name == "object_id":
            choices[name] = _admin_object_ids(route)
        elif converter == "int":
            choices[name] = [str(obj.pk) for obj in world.objects_of(pk_model(route))]
        elif name == "username":
            choices[name] = [world.member.username, world.other.username]
        elif route.template.startswith("questions/") and name == "slug":
            choices[name] = [world.question.slug]
        elif route.template.startswith("sources/"):
            choices[name] = [world.source.slug]
        elif route.template.startswith("topics/"):
            choices[name] = [world.topic.slug]
        elif converter.startswith("re:"):
            choices[name] = _regex_sample(converter[3:])
        else:
            choices[name] = ["x"]
    combos: list[dict[str, str]] = [{}]
    for name, values in choices.items():
        combos = [{**combo, name: value} for combo in combos for value in values]
    # Routes with a pk and a slug (the question page) pair them up by object.
    if "pk" in route.params and "slug" in route.params:
        combos = [{"pk": str(world.question.pk), "slug": world.question.slug}]
    return combos
