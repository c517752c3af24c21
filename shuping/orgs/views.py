"""Pages of the organization tree and of people (ORG-1, ORG-3): thin — selectors in, templates out."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from shuping.accounts.http import AuthenticatedHttpRequest
from shuping.core.access import scoped, signed_in

from . import permissions, selectors

#: Children shown on an organization page; more are reached through the tree's search.
CHILDREN_SHOWN = 200
#: Search results shown at once.
SEARCH_LIMIT = 50
#: Assessed years summarised on an organization page (ORG-3 flags).
YEARS_SHOWN = 3


def _nodes(request: AuthenticatedHttpRequest, orgs: list) -> list[dict]:
    """Tree rows: each organization with its current secretary and whether it can be expanded (2 queries)."""
    expandable = selectors.has_children(orgs)
    secretaries = selectors.current_secretaryships(orgs)
    return [{"org": o, "has_children": o.pk in expandable, "secretary": secretaries.get(o.pk)} for o in orgs]


@signed_in("树的根是用户被授权的党组织；三员及无授权用户看到空树")
def tree(request: AuthenticatedHttpRequest) -> HttpResponse:
    roots = selectors.root_organizations_for(request.user)
    return render(request, "orgs/tree.html", {"nodes": _nodes(request, roots)})


@scoped("展开一个党组织的下级：该组织须在用户范围内（范围外 404），只列出可见的下级")
def children(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_organization_for(request.user, pk)
    kids = list(selectors.children_for(request.user, org)[:CHILDREN_SHOWN])
    return render(request, "orgs/_nodes.html", {"nodes": _nodes(request, kids), "parent": org})


@signed_in("按名称或代码搜索，结果限于用户范围内的党组织")
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    results = list(selectors.search_organizations(request.user, query, limit=SEARCH_LIMIT))
    trails = selectors.ancestor_trails(request.user, results)
    nodes = _nodes(request, results)
    for node in nodes:
        node["trail"] = trails[node["org"].pk]
    return render(
        request,
        "orgs/_search_results.html" if request.htmx else "orgs/search.html",
        {"query": query.strip(), "nodes": nodes, "limit": SEARCH_LIMIT},
    )


@scoped("党组织详情：通过范围内选择器获取，范围外 404")
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    org = selectors.get_organization_for(user, pk)
    ancestors = selectors.ancestors_for(user, org)
    kids = list(selectors.children_for(user, org)[: CHILDREN_SHOWN + 1])
    posts = selectors.secretaryships_of_organization(org)
    given, received = selectors.guidance_for(org)
    this_year = timezone.localdate().year
    years = selectors.reviews_from(posts, range(this_year, this_year - YEARS_SHOWN, -1))
    others = [r.guided for r in given] + [r.guiding for r in received]
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "ancestors": ancestors,
            "children": _nodes(request, kids[:CHILDREN_SHOWN]),
            "more_children": len(kids) > CHILDREN_SHOWN,
            "current": [s for s in posts if s.ended_on is None],
            "past": [s for s in posts if s.ended_on is not None],
            "years": years,
            "guidance_given": given,
            "guidance_received": received,
            "linkable": selectors.visible_ids(user, others),
            "can_edit": permissions.can_edit_organization(user, org),
        },
    )


@scoped("干部详情：其任一任职所在党组织在用户范围内才可见，否则 404；电话仅对组织部门人员以掩码显示")
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = selectors.get_person_for(user, pk)
    posts = list(person.secretaryships.all())
    phone = (
        permissions.masked_phone(person.phone) if permissions.can_view_person_phone(user, person) else None
    )
    return render(
        request,
        "orgs/person.html",
        {
            "person": person,
            "posts": posts,
            "phone": phone,
            "linkable": selectors.visible_ids(user, [s.organization for s in posts]),
        },
    )
