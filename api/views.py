"""The API's two pages: a user's tokens, and the reference rendered from the schema."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api import tokens
from api.forms import TokenForm
from api.models import ApiToken
from intervy.http import private_no_store
from intervy.typing import AuthenticatedHttpRequest


@private_no_store
@require_http_methods(["GET", "POST"])
@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List, create (the secret is shown on this one reply only) and revoke one's tokens."""
    issued = None
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            issued = tokens.issue_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
            form = TokenForm()
        else:
            status = 400
    else:
        form = TokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return TemplateResponse(request, "api/tokens.html", context, status=status)


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404("No such token.")
    tokens.revoke(token)
    return redirect("api_tokens")


@require_GET
def reference(request: HttpRequest) -> HttpResponse:
    """The API reference, rendered on the server from the OpenAPI schema (no CDN, no script)."""
    schema = _schema()
    operations: list[dict[str, Any]] = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or ["other"])[0],
                    "parameters": operation.get("parameters", []),
                    "body": _body_fields(schema, operation),
                    "statuses": sorted(operation.get("responses", {})),
                }
            )
    context = {"info": schema["info"], "operations": operations}
    return TemplateResponse(request, "api/reference.html", context)


@functools.cache
def _schema() -> dict[str, Any]:
    # The schema is fixed for the life of the process; building it takes a while.
    from api.v1 import api

    return api.get_openapi_schema()


def _body_fields(schema: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return []
    ref = content["schema"].get("$ref", "")
    body = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    required = set(body.get("required", []))
    return [
        {"name": name, "required": name in required, "description": spec.get("description", "")}
        for name, spec in body.get("properties", {}).items()
    ]
