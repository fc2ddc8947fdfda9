"""Declarative read logging (tenants.accesslog.reads): what one row says for what a view
returned. Views are called directly in 葉山町's schema; the URL walk
(tests/test_url_walk.py) covers the real views through the middleware."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django_tenants.utils import schema_context
from rest_framework.response import Response

from tenants.accesslog.models import AccessLog
from tenants.accesslog.reads import (
    NO_PERSONAL_DATA,
    Reads,
    access_note,
    access_refusal,
    declaration_for,
    log_reads,
    logs_reads,
    resolve,
)

TEMPLATE = engines["django"].from_string("ok")


def _request(method: str = "get", **headers: Any) -> Any:
    request = getattr(RequestFactory(), method)("/x/", **headers)
    request.user = AnonymousUser()
    request.gyomu_code = "juminkiroku"
    return request


def _rows(world: Any, call: Any) -> list[AccessLog]:
    with schema_context(world.alpha.schema):
        before = AccessLog.objects.count()
        call()
        return list(AccessLog.objects.order_by("id")[before:])


def test_paths_read_keys_attributes_and_lists_and_skip_none():
    output = {
        "p": SimpleNamespace(pk=7),
        "results": [{"atena_id": 1}, {"atena_id": None}, {"atena_id": 3}],
    }
    assert resolve(output, "p.pk") == [7]
    assert resolve(output, "results[].atena_id") == [1, 3]
    assert resolve(output, "missing.pk") == []
    assert resolve(output, lambda o: [o["p"].pk, None]) == [7]


def test_a_declaration_needs_something_to_log_and_a_known_action():
    with pytest.raises(ValueError):
        Reads("atena")
    with pytest.raises(ValueError):
        Reads("atena", shown="p", action="peek")


def test_one_record_is_the_record_id_a_list_goes_to_detail(world):
    @logs_reads(Reads("atena", ids="p.pk", screen="照会"))
    def one(request):
        return TemplateResponse(request, TEMPLATE, {"p": SimpleNamespace(pk=5)})

    @logs_reads(Reads("atena", ids="page[].pk", action="search"))
    def many(request):
        return TemplateResponse(request, TEMPLATE, {"page": [SimpleNamespace(pk=5)]})

    (row,) = _rows(world, lambda: one(_request(HTTP_X_PURPOSE="窓口対応")))
    assert (row.action, row.record_id, row.record_count, row.detail) == ("read", "5", 1, {})
    assert (row.screen, row.gyomu, row.purpose) == ("照会", "juminkiroku", "窓口対応")
    (row,) = _rows(world, lambda: many(_request()))
    assert (row.record_id, row.record_count, row.detail) == ("", 1, {"atena_ids": [5]})
    assert row.screen == "many"  # no screen declared: the view's name


def test_a_path_naming_a_list_logs_its_ids_not_the_list_as_one_record(world):
    """``ids="page_ids"`` (a list in the context, declared without ``[]``): a page of 50
    ids once went in as one record id, "[1, 2, …]", which a long page did not fit (a 500
    for the clerk, nothing logged)."""
    page = list(range(100_001, 100_051))

    @logs_reads(Reads("atena", ids="page_ids", action="search"))
    def listing(request):
        return TemplateResponse(request, TEMPLATE, {"page_ids": page})

    @logs_reads(Reads("atena", ids="page_ids", action="search"))
    def one_row(request):
        return TemplateResponse(request, TEMPLATE, {"page_ids": [7]})

    (row,) = _rows(world, lambda: listing(_request()))
    assert (row.record_id, row.record_count, row.detail) == ("", 50, {"atena_ids": page})
    (row,) = _rows(world, lambda: one_row(_request()))
    assert (row.record_id, row.record_count, row.detail) == ("7", 1, {})


def test_an_answer_without_the_declared_output_writes_nothing(world):
    @logs_reads(Reads("atena", shown="result", count="result.count"))
    def search(request):
        return TemplateResponse(request, TEMPLATE, {"form": "blank"})

    assert _rows(world, lambda: search(_request())) == []


def test_a_refusal_is_denied_whatever_the_status(world):
    @logs_reads(Reads("atena", id_kwarg="pk", shown="p"))
    def show(request, pk):
        access_refusal(request, record_type="atena", record_id=pk, reason="shokai_yokushi")
        return TemplateResponse(request, TEMPLATE, {}, status=403)

    (row,) = _rows(world, lambda: show(_request(), pk=9))
    assert (row.action, row.record_id, row.detail) == ("denied", "9", {"reason": "shokai_yokushi"})


def test_a_screen_shown_again_with_an_error_still_logs_but_an_api_error_does_not(world):
    decl = Reads("atena", ids="person.pk", shown="person")

    @logs_reads(decl)
    def screen(request):
        return TemplateResponse(request, TEMPLATE, {"person": SimpleNamespace(pk=4)}, status=400)

    assert [r.record_id for r in _rows(world, lambda: screen(_request()))] == ["4"]
    api_error = Response({"person": {"pk": 4}}, status=400)
    rows = _rows(world, lambda: log_reads(_request(), api_error, decl, gyomu="x", screen="y"))
    assert rows == []


def test_a_csv_is_logged_from_the_views_note(world):
    @logs_reads(Reads("atena", ids="page[].pk", action="search"))
    def roll(request):
        access_note(request, action="export", count=1200, record_id="2025-01-01")
        return HttpResponse("a,b\r\n", content_type="text/csv")

    (row,) = _rows(world, lambda: roll(_request("post")))
    assert (row.action, row.record_id, row.record_count, row.detail) == (
        "export",
        "2025-01-01",
        1200,
        {},
    )


def test_mynumber_viewed_only_when_a_number_was_in_the_answer(world):
    decl = Reads("atena", id_kwarg="pk", shown="atena_id", mynumber="kojin_bango")
    shown = Response({"atena_id": 3, "kojin_bango": "123456789018"})
    empty = Response({"atena_id": 3, "kojin_bango": ""})
    for response, viewed in ((shown, True), (empty, False)):
        (row,) = _rows(
            world,
            lambda r=response: log_reads(
                _request(), r, decl, gyomu="juminkiroku", screen="s", kwargs={"pk": 3}
            ),
        )
        assert (row.record_id, row.mynumber_viewed) == ("3", viewed)


def test_an_empty_page_is_skipped_when_declared(world):
    decl = Reads("zeimu.Fuka", ids="results[].id", skip_empty=True)

    def answer(results: list[dict[str, int]]) -> None:
        log_reads(_request(), Response({"results": results}), decl, gyomu="g", screen="s")

    assert _rows(world, lambda: answer([])) == []
    assert _rows(world, lambda: answer([{"id": 2}]))[0].detail == {"fuka_ids": [2]}


def test_declarations_per_method():
    reads = Reads("ido", shown="id")
    assert declaration_for({"GET": reads}, "GET") is reads
    assert declaration_for({"GET": reads}, "POST") is None
    assert declaration_for({"list": reads}, "list") is reads
    assert declaration_for(NO_PERSONAL_DATA, "GET") is None
