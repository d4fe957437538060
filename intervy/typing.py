"""The request and user types that views, access doors and services are annotated with.

To django-stubs `request.user` is `User | AnonymousUser`. Behind `@login_required` (and the
role decorators of intervy.roles, which imply it) it is always a signed-in `User`, so such
views take an `AuthenticatedHtmxRequest` (or an `AuthenticatedHttpRequest` where the view
never reads `request.htmx`), the way django-stubs documents it. The annotation is a promise
the decorator keeps, not a check: a view that anyone may open takes the plain request types
and asks `request.user.is_authenticated`, and code that must allow the anonymous user takes
a `RequestUser`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from intervy.http import HtmxHttpRequest

# Whoever `request.user` is: the signed-in user, or Django's AnonymousUser.
type RequestUser = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedHtmxRequest(HtmxHttpRequest):
    user: User


def form_field[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """`form.fields[name]`, known to be a `kind` (django-stubs types every field `Field`),
    for a form that sets a field's queryset, choices or bounds when it is built."""
    found = form.fields[name]
    if not isinstance(found, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(found).__name__}")
    return found
