"""Staff screens: ヘルプ (標準仕様書 10.5): the help index with its search, and the help
of one screen, opened from the page header of every 住民記録 screen."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_GET

from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.help import TOPICS, search, topic_for_screen
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.models import RoleLevel


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ)
@no_personal_data  # the manual
@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    words = request.GET.get("q", "")[:100]
    return TemplateResponse(
        request,
        "juminkiroku/help/index.html",
        {"q": words, "topics": search(words), "searched": bool(words.strip())},
    )


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ)
@no_personal_data  # the manual
@require_GET
def help_topic(request: HttpRequest, key: str) -> HttpResponse:
    topic = TOPICS.get(key)
    if topic is None:
        raise Http404
    return TemplateResponse(request, "juminkiroku/help/topic.html", {"topic": topic})


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ)
@no_personal_data  # the manual
@require_GET
def help_screen(request: HttpRequest, screen: str) -> HttpResponse:
    """The help of the screen whose URL name is ``screen``."""
    topic = topic_for_screen(screen)
    if topic is None:
        raise Http404
    return TemplateResponse(request, "juminkiroku/help/topic.html", {"topic": topic})


@gyomu_view(JUMINKIROKU, level=RoleLevel.READ)
@no_personal_data  # the manual
@require_GET
def help_manual(request: HttpRequest) -> HttpResponse:
    """The whole manual on one page (操作方法・運用方法, 10.5), to read or print."""
    return TemplateResponse(
        request, "juminkiroku/help/manual.html", {"topics": list(TOPICS.values())}
    )


urlpatterns = [
    path("help/", help_index, name="jk_help"),
    path("help/manual/", help_manual, name="jk_help_manual"),
    path("help/topic/<slug:key>/", help_topic, name="jk_help_topic"),
    path("help/screen/<slug:screen>/", help_screen, name="jk_help_screen"),
]
