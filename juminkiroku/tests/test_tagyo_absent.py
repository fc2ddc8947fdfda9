"""標準仕様書 7.2.2 【実装しない機能】: 選挙人名簿の投票権・登録/抹消年月日・投票区・事由,
国保の被保険者証の記号番号, 後期・介護の被保険者証番号, 米穀の配給 — absent from the store,
its history, the platform's status, the API (both ways and its document) and the file
layout; a system that sends one anyway has it stored nowhere."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.test import Client

from juminkiroku.api.tagyo import TagyoInSerializer, TagyoOutSerializer
from juminkiroku.models import TagyoJoho, TagyoJohoRireki
from juminkiroku.tagyo.torikomi import COLUMNS
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.api.authentication import apiclient_create
from tenants.db import connection
from tenants.openapi import generate
from tenants.tagyo import ITEM_LABELS, TagyoStatus
from tests.personas import ALPHA_HOST

# Words and names of the items the standard says not to implement.
FORBIDDEN_WORDS = (
    *("投票権", "登録年月日", "抹消", "投票区", "事由"),
    *("被保険者証", "記号", "米", "配給"),
)
FORBIDDEN_NAMES = ("tohyo", "massho", "toroku_date", "jiyu", "hokensho", "kigo", "kome", "haikyu")


def _names_and_words() -> list[str]:
    found: list[str] = []
    for model in (TagyoJoho, TagyoJohoRireki):
        for f in model._meta.get_fields():
            found.append(f.name)
            found.append(str(getattr(f, "verbose_name", "")))
    found += [f.name for f in dataclasses.fields(TagyoStatus)]
    found += list(ITEM_LABELS.values())
    found += list(TagyoInSerializer().fields) + list(TagyoOutSerializer().fields)
    for _, heading in COLUMNS:
        found.append(heading)
    return found


def test_no_forbidden_item_exists_in_the_store_the_status_the_api_or_the_layout() -> None:
    found = _names_and_words()
    for text in found:
        for word in FORBIDDEN_WORDS:
            assert word not in text, (word, text)
        for name in FORBIDDEN_NAMES:
            assert name not in text, (name, text)
    # the check can fail: the allowed items are among what it read
    assert "kiso_nenkin_no" in found and "資格取得年月日" in found


def test_the_openapi_document_offers_no_forbidden_item() -> None:
    document = generate("config.urls_tenant")
    start = document.index("    TagyoInRequest:")
    schema = document[start : start + 6000]
    for name in FORBIDDEN_NAMES:
        assert name not in schema, name
    assert "kiso_nenkin_no" in schema


@pytest.mark.django_db
def test_a_forbidden_item_sent_anyway_is_stored_nowhere(alpha) -> None:
    connection.set_tenant(alpha.municipality)
    _, (p,) = household_tennyu("hayama", members=[person_fields()])
    _, key = apiclient_create(
        municipality=alpha.municipality, name="国保システム", scopes=["juminkiroku:tagyo"]
    )
    client = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    r = client.post(
        "/api/v1/juminkiroku/tagyo/",
        {
            "atena_no": p.atena_no,
            "kind": "kokuho",
            "gaito": True,
            "hihokenshasho_kigo": "神奈川ＸＹ",
            "hihokenshasho_bango": "987654",
        },
        content_type="application/json",
    )
    connection.set_tenant(alpha.municipality)
    assert r.status_code in (200, 400)
    stored = json.dumps(
        [list(TagyoJohoRireki.objects.values()), list(TagyoJoho.objects.values())],
        default=str,
        ensure_ascii=False,
    )
    assert "987654" not in stored and "ＸＹ" not in stored
    assert "987654" not in r.content.decode()
