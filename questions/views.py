from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from intervy.http import HtmxHttpRequest
from intervy.roles import role_required
from questions.models import Question


@require_GET
@role_required
def question_list(request: HtmxHttpRequest) -> HttpResponse:
    questions = Question.objects.published().with_category()
    return TemplateResponse(request, "questions/list.html", {"questions": questions})


@require_GET
@role_required
def question_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    question = get_object_or_404(Question.objects.published().with_category(), slug=slug)
    return TemplateResponse(request, "questions/detail.html", {"question": question})
