"""Every URL of a town host declares its 業務, is built on the platform's permission base
classes when it is an API, and says whether it shows personal data; the views that show
one resident are requested and must have written an access-log row (rule 3 of
docs/architecture.md). Driven from config.urls_tenant: a new view is checked with no edit
here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.views.generic import RedirectView

from juminkiroku.models import Atena
from juminkiroku.tests.factories import family, household_tennyu
from tenants.access import SAFE_METHODS
from tenants.accesslog.models import AccessLog
from tenants.accesslog.reads import (
    LOGGED_BY_SERVICE,
    NO_PERSONAL_DATA,
    Reads,
    declaration_for,
)
from tenants.api.permissions import AccessLoggedMixin, GyomuPermission
from tenants.checkdigits import kojin_bango_check_digit
from tenants.db import connection
from tenants.middleware import UNGUARDED_PATHS
from tenants.models import Gyomu
from tenants.modules.spec import PLATFORM
from tests.personas import ALPHA_HOST, BETA_HOST
from tests.urlwalk import Route, sample_value, walk

ROUTES = walk()
ROUTE_IDS = [r.label for r in ROUTES]


def _declaration(route: Route) -> Any:
    if route.view_class is not None and issubclass(route.view_class, RedirectView):
        return NO_PERSONAL_DATA  # answers only a redirect
    return route.attr("access_reads")


def test_the_walk_finds_the_modules_urls():
    labels = set(ROUTE_IDS)
    assert {"juminkiroku/persons/<int:pk>/", "api/v1/juminkiroku/search/"} <= labels
    assert len(ROUTES) > 100


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_every_view_declares_a_known_gyomu(route):
    code = route.attr("gyomu_code")
    if "gyomu_code" in route.kwarg_names():
        assert route.label == "m/<slug:gyomu_code>/", (
            "only the module page takes its 業務 from the URL"
        )
        return
    assert code, f"{route.label}: no gyomu_code (@gyomu_view / gyomu_code = ...)"
    assert code == PLATFORM or Gyomu.objects.filter(code=code).exists(), code
    if route.path(sample_value) in UNGUARDED_PATHS:
        assert route.attr("login_exempt"), "an unguarded path needs no login"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.is_api], ids=lambda r: r.label)
def test_every_api_view_is_built_on_the_platform_base_classes(route):
    cls = route.view_class
    assert issubclass(cls, AccessLoggedMixin), f"{cls.__name__}: not a TenantAPIView/TenantViewSet"
    assert GyomuPermission in cls.permission_classes, f"{cls.__name__}: GyomuPermission dropped"
    assert cls.finalize_response is AccessLoggedMixin.finalize_response, (
        f"{cls.__name__} overrides finalize_response, where the access log is written"
    )


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_every_view_says_whether_it_shows_personal_data(route):
    declared = _declaration(route)
    assert declared is not None, (
        f"{route.label}: declare what it shows: @logs_reads(Reads(...)) / access_reads = "
        "Reads(...), or @no_personal_data / NO_PERSONAL_DATA / LOGGED_BY_SERVICE"
    )
    if isinstance(declared, dict):
        allowed = (
            {m.upper() for m in route.view_class.http_method_names}
            if route.is_api
            else {"GET", "POST", "HEAD"}
        )
        assert set(declared) <= allowed | {"list", "retrieve"}, declared
        assert all(isinstance(v, Reads) or v is LOGGED_BY_SERVICE for v in declared.values())
    if isinstance(declared, Reads) and not route.is_api:
        # A function view's Reads is honoured only by the @logs_reads wrapper.
        assert route.attr("access_logged"), f"{route.label}: Reads without @logs_reads"


# --- the views of one resident, requested ------------------------------------------------

KOJIN_BANGO = "12345678901" + str(kojin_bango_check_digit("12345678901"))


@pytest.fixture
def resident(in_alpha) -> Iterator[dict[str, Any]]:
    members = family()
    members[0]["kojin_bango"] = KOJIN_BANGO
    ido, people = household_tennyu("hayama", members=members, ido_date=date(2020, 4, 1))
    head: Atena = people[0]
    connection.set_schema_to_public()
    yield {
        "atena": head.pk,
        "setai": head.setai_id,
        "ido": ido.pk,
        "atena_no": head.atena_no,
        "ids": {a.pk for a in people},
    }


def _reads(route: Route) -> list[Reads]:
    decl = _declaration(route)
    found = [declaration_for(decl, m) for m in ("GET", "POST")]
    return [r for r in found if r is not None]


def _one_resident_routes() -> list[tuple[Route, str]]:
    """(route, record type) of every view whose URL names (``id_kwarg="pk"``) the one
    record it shows, of a kind the resident fixture has: a person, a household, a 異動."""
    out = []
    for route in ROUTES:
        for reads in _reads(route)[:1]:
            if reads.id_kwarg == "pk" and reads.record_type in ("atena", "setai", "ido"):
                out.append((route, reads.record_type))
    return out


ONE_RESIDENT = _one_resident_routes()


def test_the_resident_views_are_found():
    labels = {r.label for r, _ in ONE_RESIDENT}
    assert {
        "juminkiroku/persons/<int:pk>/",
        "juminkiroku/persons/<int:pk>/kojin-bango/",
        "juminkiroku/setai/<int:pk>/",
        "juminkiroku/ido/<int:pk>/",
        "api/v1/juminkiroku/persons/<int:pk>/",
        "api/v1/juminkiroku/persons/<int:pk>/kojin-bango/",
        "api/v1/juminkiroku/persons/<int:pk>/history/",
        "api/v1/juminkiroku/setai/<int:pk>/",
        "api/v1/juminkiroku/ido/<int:pk>/",
    } <= labels


def _rows(town: Any) -> list[AccessLog]:
    connection.set_tenant(town.municipality)
    rows = list(AccessLog.objects.order_by("id"))
    connection.set_schema_to_public()
    return rows


def _method(client: Any, route: Route, path: str) -> str:
    """GET, unless the view answers only POST (a reveal, a search by body)."""
    if route.is_api:
        return "GET" if hasattr(route.view_class, "get") else "POST"
    return "GET" if client.get(path).status_code != 405 else "POST"


def _call(client: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    if method in SAFE_METHODS:
        return client.get(path)
    if path.startswith("/api/"):
        return client.post(path, json.dumps(body or {}), content_type="application/json")
    return client.post(path, body or {})


def _logged(row: AccessLog, record_id: int) -> bool:
    ids = [v for k, v in row.detail.items() if k.endswith("_ids") for v in v]
    return row.record_id == str(record_id) or record_id in ids


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "record_type"), ONE_RESIDENT, ids=[r.label for r, _ in ONE_RESIDENT]
)
def test_a_view_of_one_resident_logs_and_the_other_town_gets_404(
    world, login, resident, route, record_type
):
    # given 審査者 of each town (every grant, 個人番号の表示 included), one household in 葉山町
    record_id = resident[record_type]
    path = route.path({"pk": record_id})
    alpha, beta = login("hayama-shinsa", ALPHA_HOST), login("samukawa-shinsa", BETA_HOST)
    method = _method(alpha, route, path)
    alpha_before, beta_before = len(_rows(world.alpha)), len(_rows(world.beta))
    # when the view is requested in 葉山町
    response = _call(alpha, method, path)
    # then it answers and one row names the record
    assert response.status_code == 200, (route.label, response.status_code)
    new = _rows(world.alpha)[alpha_before:]
    reads = [r for r in new if r.action != "update" and r.record_type == record_type]
    assert len(reads) == 1 and _logged(reads[0], record_id), [
        (r.action, r.record_type, r.record_id, r.detail) for r in new
    ]
    assert reads[0].username == "hayama-shinsa" and reads[0].gyomu == route.attr("gyomu_code")
    # and 寒川町's 審査者, asking for the same id on its own host, gets 404 and no row
    alpha_after = len(_rows(world.alpha))
    response = _call(beta, method, path)
    assert response.status_code == 404
    assert len(_rows(world.beta)) == beta_before
    assert len(_rows(world.alpha)) == alpha_after


# Views of residents found by what the user types (never in a URL): the body to send.
def _bodies(resident: dict[str, Any]) -> dict[str, dict[str, Any]]:
    atena_no = resident["atena_no"]
    return {
        "jk_search": {"kana": "ヤマダ"},
        "jk-api-search": {"kana": "ヤマダ"},
        "juminkiroku_shomei_issue": {"atena_no": atena_no},
        "juminkiroku_inkan": {"atena_no": atena_no},
        "juminkiroku_kofu_history": {"atena_no": atena_no},
        "jk-api-residents-on": {"date": "2024-01-01"},
        "juminkiroku_senkyo": {"kijun_date": "2024-01-01"},
        "juminkiroku_chushutsu": {"count": "50"},  # every resident: the household
        "juminkiroku_feed_full": {},
        "api-kokuho-shikaku-lookup": {"atena_no": atena_no},
        "api-kokuho-fuka-lookup": {"atena_no": atena_no, "fiscal_year": 2025},
        "api-kokuho-kyufu-lookup": {"atena_no": atena_no},
        "api-kokuho-koki-lookup": {"atena_no": atena_no},
        "api-kokuho-nenkin-lookup": {"atena_no": atena_no},
        "api-kaigo-shikaku-lookup": {"atena_no": atena_no},
        "api-kaigo-fuka-lookup": {"atena_no": atena_no},
        "api-kaigo-futan-lookup": {"atena_no": atena_no},
        "api-kaigo-nintei-lookup": {"atena_no": atena_no},
    }


# Views of residents this test does not request, with where they are tested instead.
NOT_REQUESTED = {
    "juminkiroku_gakurei": "学齢簿 needs school-age children: juminkiroku/tests/test_rosters.py",
    "juminkiroku_feed_changes": "a cursor over 本登録: juminkiroku/tests/test_feed.py",
    "jk_ido_form": "the 異動 entry form: juminkiroku/tests/test_ido_views.py",
    "jk_kouho_honseki": "本籍入力補助 of a form being typed: test_jusho_master.py",
    "juminkiroku_ikkatsu": "a CSV upload (住所一括変更の仮処理): test_ikkatsu.py",
    # CSV取込 (10.8): uploads, logged with the ids shown and the file's counts
    "jk_ido_csv": "test_csvin.py (test_ido_todoke_tenkyo_ticks_its_persons…)",
    "juminkiroku_shomei_csv": "test_csvin.py (test_kenmen_csv_finds_the_holder…)",
    "api-jk-ido-saitennyu": "finds 除票・住登外 only, not residents: test_saitennyu.py",
    "juminkiroku_inkan_register": "a write that shows the person again: test_inkan.py",
    "juminkiroku_inkan_haishi": "a write that shows the person again: test_inkan.py",
    "juminkiroku_inkan_boshitsu": "a write that shows the person again: test_inkan.py",
    "juminkiroku_inkan_shomei": "a certificate (logged by shomei_issue): test_inkan.py",
    # 転出 (keyed by the 転出's own ids): juminkiroku/tests/test_tenshutsu_views.py
    "juminkiroku_tenshutsu": "test_tenshutsu_views.py (test_the_screens_log_the_persons_shown)",
    "juminkiroku_tenshutsu_mitchaku": "test_tenshutsu_views.py (test_the_screens_log…)",
    "juminkiroku_tennyu_tsuchi": "test_tenshutsu_views.py (test_paper_tennyu_tsuchi…)",
    "juminkiroku_tenshutsu_shomei": "a certificate (logged by its service): test_tenshutsu_views",
    "juminkiroku_tenshutsu_saikofu": "a certificate (logged by its service): test_tenshutsu_views",
    "jk_cs_home": "the 住基ネット queue (needs the CS): juminkiroku/tests/test_cs_views.py",
    "jk_fuhyo_home": "the 戸籍附票 queue: juminkiroku/tests/test_fuhyo_views.py (test_queue_…)",
    "jk_togo_home": "the 統合宛名 queue (needs its simulator): test_togo_views.py",
    # 除票用データベース (9.3: needs a moved 除票): juminkiroku/tests/test_johyo.py
    "juminkiroku_johyo_kekka": "test_johyo.py (test_screens_show_the_moved_johyo…)",
    "juminkiroku_johyo_person": "test_johyo.py (test_screens_show_the_moved_johyo…)",
    "juminkiroku_setainushi_fuzai": "households without a 世帯主: test_tsuchi_setainushi.py",
    # 外国人住民 (4.5.6, 4.5.7) and 事実上の世帯主 (4.1.4.3), keyed by their own ids
    "jk_nyukan_kakunin": "test_nyukan_views.py (test_4_5_6_and_4_5_7_screens_log…)",
    "jk_nyukan_shichoson": "test_nyukan_views.py (test_4_5_6_and_4_5_7_screens_log…)",
    "jk_jijitsujo": "test_nyukan_views.py (test_4_1_4_3_screen_records…)",
    # 課税資料 (the person's page needs their income year): zeimu/tests/test_kazei_views.py
    # (test_lookup_posts_the_number…, test_shisan_from_stored_data…,
    # test_every_entry_form_that_shows_a_person_logs_one_read) and test_kazei_api.py
    "zeimu_kazei": "lookup by 宛名番号: zeimu/tests/test_kazei_views.py",
    "zeimu_kazei_person": "zeimu/tests/test_kazei_views.py",
    "zeimu_kazei_shisan": "zeimu/tests/test_kazei_views.py",
    "zeimu_kazei_kyuyo_new": "zeimu/tests/test_kazei_views.py",
    "zeimu_kazei_kyuyo_edit": "zeimu/tests/test_kazei_views.py",
    "zeimu_kazei_nenkin_new": "zeimu/tests/test_kazei_views.py",
    "zeimu_kazei_nenkin_edit": "zeimu/tests/test_kazei_views.py",
    "zeimu_kazei_shinkoku": "zeimu/tests/test_kazei_views.py",
    "api-zeimu-kazei-lookup": "zeimu/tests/test_kazei_api.py",
    # 国保: the list of the insured (and its lookup, which redirects to the person's page)
    "kokuho_hihokensha_list": "kokuho/tests/test_views.py (test_list_lookup_person…)",
    # 資格確認書等の交付と返還 (the search by 交付日・帳票・理由): logged by the page's ids
    "kokuho_kofu_list": "kokuho/tests/test_kofu.py (test_counter_issue_reprint_return…)",
    "api-kokuho-hihokensha-list": "kokuho/tests/test_views.py (test_api_lookup_list…)",
    "api-kokuho-fuka-list": "kokuho/tests/test_api_records.py (test_fuka_lookup_and_list…)",
    # 介護保険: the list of the insured (and its lookup, which redirects to the person's page)
    "kaigo_hihokensha_list": "kaigo/tests/test_views.py (test_list_lookup_and_person_screens)",
    "api-kaigo-hihokensha-list": "kaigo/tests/test_views.py (test_api_lookup_list…)",
    # 介護保険 負担割合: the judgements of a 年度 (by 年度, no id)
    "kaigo_futan_list": "kaigo/tests/test_futan_views.py (test_menu_job_list_person_and_pdf…)",
    # 介護保険 要介護認定: lists of 申請 and 認定, and a case keyed by the 申請's own id
    "kaigo_nintei_list": "kaigo/tests/test_nintei_views.py (test_shinsei_and_every_step…)",
    "kaigo_nintei_case": "kaigo/tests/test_nintei_views.py (test_shinsei_and_every_step…)",
    "kaigo_nintei_yokoku": "kaigo/tests/test_nintei_views.py (test_yokoku_list_and_api)",
    "api-kaigo-nintei-shinsei-list": "kaigo/tests/test_nintei_views.py (test_yokoku_list_…)",
    # 国保 給付 (keyed by the application's, the 認定's and the payment list's own ids)
    "kokuho_kyufu_list": "kokuho/tests/test_kyufu_views.py (test_kogaku_from_the_screens…)",
    "kokuho_kyufu_detail": "kokuho/tests/test_kyufu_views.py (test_kogaku_from_the_screens…)",
    "kokuho_shiharai": "kokuho/tests/test_kyufu_views.py (test_kogaku_from_the_screens…)",
    "kokuho_shiharai_detail": "kokuho/tests/test_kyufu_views.py (test_kogaku_from_the_…)",
    "kokuho_nintei": "kokuho/tests/test_kyufu_views.py (test_nintei_from_the_screen…)",
    # 国保税: the results and the 更正候補 of a 年度 list the 納税義務者 (by 年度, no id)
    "kokuho_fuka_kekka": "kokuho/tests/test_fuka_views.py (test_results_detail_and_notice…)",
    "kokuho_fuka_kosei_list": "kokuho/tests/test_fuka_views.py (test_kosei_from_the_screen…)",
    # 収納管理: a taxpayer's ledger needs 調定 (keyed by the 宛名 id, reached by a lookup)
    "zeimu_shuno_nozeisha": "zeimu/tests/test_shuno_views.py (test_lookup_ledger_madoguchi…)",
    "zeimu_shuno_nofusho_pdf": "zeimu/tests/test_shuno_conveni.py (test_screens_import_list…)",
    "api-zeimu-shuno-lookup": "zeimu/tests/test_shuno_tokusoku_views.py (test_the_lookup_api…)",
    # 還付・口座振替 (the lists need 過誤納 or registrations; the person's page is reached by a
    # lookup): zeimu/tests/test_shuno_kanpu_views.py
    "zeimu_shuno_kanpu": "zeimu/tests/test_shuno_kanpu_views.py (test_kanpu_and_madoguchi…)",
    "zeimu_shuno_juto": "zeimu/tests/test_shuno_juto_views.py (test_the_juto_screen_decides…)",
    "zeimu_shuno_koza": "zeimu/tests/test_shuno_kanpu_views.py (test_koza_screens)",
    "zeimu_shuno_koza_person": "zeimu/tests/test_shuno_kanpu_views.py (test_koza_screens)",
    "api-zeimu-shuno-kanpu-lookup": "zeimu/tests/test_shuno_kanpu_views.py (test_the_apis…)",
    "api-zeimu-shuno-koza-lookup": "zeimu/tests/test_shuno_kanpu_views.py (test_the_apis…)",
    # 滞納整理: a case needs arrears (keyed by the 宛名 id, reached by a lookup)
    "zeimu_shuno_taino": "zeimu/tests/test_shuno_taino_views.py (test_list_case_and_acts)",
    "zeimu_shuno_taino_case": "zeimu/tests/test_shuno_taino_views.py (test_list_case_and_acts)",
    "zeimu_shuno_bunno_ihan": "zeimu/tests/test_shuno_taino_views.py (test_list_case_and_acts)",
    "api-zeimu-shuno-taino-case": "zeimu/tests/test_shuno_taino_views.py (test_viewer_reads_…)",
    # 介護保険料: the results and the 更正候補 of a 年度 list the 第1号 (by 年度, no id)
    "kaigo_fuka_kekka": "kaigo/tests/test_fuka_views.py (test_results_person_and_notice…)",
    "kaigo_fuka_kosei_list": "kaigo/tests/test_fuka_views.py (test_kosei_from_the_screen…)",
    # 軽自動車税: the owners and users of vehicles (a resident without one shows no one)
    "zeimu_kei_search": "zeimu/tests/test_keijidosha_views.py (test_search_by_plate_and…)",
    "zeimu_kei_sharyo": "zeimu/tests/test_keijidosha_views.py (test_search_by_plate_and…)",
    "zeimu_kei_fuka_list": "zeimu/tests/test_keijidosha_views.py (test_notice_results_and…)",
    "api-zeimu-kei-lookup": "zeimu/tests/test_keijidosha_views.py (test_api_lookup_and…)",
    "api-zeimu-kei-sharyo": "zeimu/tests/test_keijidosha_views.py (test_api_lookup_and…)",
    # 児童手当 (受給者 and the births' queue need a 認定): fukushi/tests/test_jidoteate_views.py
    "fukushi_jidoteate_list": "test_jidoteate_views.py (test_screens_and_api_in_two_towns)",
    "fukushi_jidoteate_kouho": "test_jidoteate_views.py (test_screens_and_api_in_two_towns)",
    "api-fukushi-jidoteate-list": "test_jidoteate_views.py (test_screens_and_api_in_two_towns)",
    "api-fukushi-jidoteate-detail": "test_jidoteate_views.py (test_screens_and_api_in…)",
    # 児童扶養手当・医療費助成: the lists show 受給者 (a resident without a 認定 shows no one)
    "fukushi_fuyoteate_list": "fukushi/tests/test_fuyoteate_views.py (test_nintei_genkyo_…)",
    "api-fukushi-fuyoteate-list": "fukushi/tests/test_fuyoteate_nenkin.py (test_shikkaku_…)",
    "api-fukushi-fuyoteate-detail": "fukushi/tests/test_fuyoteate_nenkin.py (test_shikkaku_…)",
    # the 未提出 of a year's 現況届 (needs the yearly job to have run)
    "fukushi_fuyoteate_genkyo_list": "fukushi/tests/test_fuyoteate_genkyo.py (test_genkyo_job_…)",
    "fukushi_kodomo_iryo_list": "fukushi/tests/test_iryo.py (test_kodomo_iryo_certificate_…)",
    "fukushi_hitorioya_iryo_list": "fukushi/tests/test_iryo.py (test_hitorioya_iryo_needs_…)",
    # 生活保護: behind the grant seiho_case (404 for the walker); the 開始 takes a 世帯主
    "fukushi_seiho_kaishi": "fukushi/tests/test_seiho_cases.py (test_screens_kaishi_henko…)",
    # 障害者手帳・心身障害者医療: behind the grant shogai_techo (404 for the walker)
    "fukushi_shogai_kofu": "fukushi/tests/test_shogai_techo.py (test_screens_kofu_and_ido)",
    "fukushi_shinshin_kofu": "fukushi/tests/test_shinshin.py (test_shisan_saves_nothing_and…)",
    "fukushi_shogai_teate_seikyu": "fukushi/tests/test_shogai_teate_cases.py (test_screens_wall…)",
    # 自立支援給付: behind the same grant (404 for the walker)
    "fukushi_jiritsu_shinsei": "fukushi/tests/test_jiritsu_views.py (test_shikyu_kettei_…)",
    "fukushi_jiritsu_yogu_shinsei": "fukushi/tests/test_jiritsu_views.py (test_yogu_screens_…)",
    "fukushi_kogaku_shinsei": "fukushi/tests/test_kogaku_views.py (test_kogaku_screens_…)",
    "fukushi_tsusho_shinsei": "fukushi/tests/test_tsusho_views.py (test_tsusho_screens_…)",
    # 国保税 特別徴収の一括判定: a list of the 年度's households (POST with the 年度)
    "kokuho_fuka_tokucho_ikkatsu": "kokuho/tests/test_tokucho_taisho.py (test_the_screens_in_…)",
    # 保育・保育料: lists of 認定, 申込 and fees (a resident without a 認定 shows no one)
    "gyomu_entry_kodomo_kosodate": "fukushi/tests/test_hoiku_services.py (test_screens_pdf…)",
    "fukushi_hoiku_nintei_list": "fukushi/tests/test_hoiku_services.py (test_screens_pdf…)",
    "fukushi_hoiku_chosei": "fukushi/tests/test_hoiku_services.py (test_screens_pdf…)",
    "gyomu_entry_hoikuryo": "fukushi/tests/test_hoiku_services.py (test_screens_pdf…)",
    "fukushi_hoikuryo_list": "fukushi/tests/test_hoiku_services.py (test_screens_pdf…)",
    # 児童扶養手当 未支払の手当・過払 (needs a death / a 喪失 after paid runs)
    "fukushi_fuyoteate_mishikyu": "test_fuyoteate_henkan_views.py (test_mishikyu_screens…)",
    "fukushi_fuyoteate_kabarai_kouho": "test_fuyoteate_henkan_views.py (test_kabarai_screens…)",
    "fukushi_fuyoteate_kabarai_list": "test_fuyoteate_henkan_views.py (test_kabarai_screens…)",
    "fukushi_fuyoteate_kabarai_csv": "test_fuyoteate_henkan_views.py (test_kabarai_screens…)",
    "fukushi_hoiku_kyufuhi": "fukushi/tests/test_hoiku_kyufuhi.py (test_kyufuhi_screen…)",
    "fukushi_fuyoteate_kabarai_tokusoku_list": (
        "fukushi/tests/test_fuyoteate_kabarai_tokusoku.py (test_tokusoku_screens…)"
    ),
    "fukushi_fuyoteate_kabarai_furikou": (
        "fukushi/tests/test_fuyoteate_kabarai_bunno.py (test_bunno_screens…)"
    ),
    # 返還金の分割納付 (needs a 過払 返還金 and a plan) and one 施設's 給付費 (needs a 公定価格)
    "api-fukushi-fuyoteate-bunno-list": "fukushi/tests/test_fuyoteate_bunno_api.py",
    "api-fukushi-fuyoteate-bunno-detail": "fukushi/tests/test_fuyoteate_bunno_api.py",
    "api-fukushi-hoiku-kyufuhi-detail": "fukushi/tests/test_hoiku_kyufuhi_api.py",
}


def test_every_view_of_residents_is_requested_here_or_says_where():
    of_residents = {
        r.name for r in ROUTES if any(x.record_type in ("atena", "setai") for x in _reads(r))
    }
    covered = {r.name for r, _ in ONE_RESIDENT} | set(_bodies({"atena_no": ""}))
    missing = of_residents - covered - set(NOT_REQUESTED)
    assert not missing, f"request these in test_url_walk (_bodies) or say where: {missing}"
    assert not set(NOT_REQUESTED) - of_residents, "NOT_REQUESTED names a view that is gone"


@pytest.mark.django_db
def test_searches_and_lists_of_residents_log_the_ids_shown(world, login, resident):
    # given 審査者 of 葉山町 and the 山田 household
    client = login("hayama-shinsa", ALPHA_HOST)
    beta = login("samukawa-shinsa", BETA_HOST)
    routes = {r.name: r for r in ROUTES}
    for name, body in _bodies(resident).items():
        route = routes[name]
        before = len(_rows(world.alpha))
        # when the criteria are posted
        response = _call(client, "POST", route.path({}), body)
        # then one row names the head of the household (by id, never by name)
        assert response.status_code == 200, (name, response.status_code)
        new = [r for r in _rows(world.alpha)[before:] if r.action != "update"]
        assert len(new) == 1 and _logged(new[0], resident["atena"]), (
            name,
            [(r.action, r.record_type, r.record_id, r.detail) for r in new],
        )
        assert "ヤマダ" not in json.dumps(new[0].detail, ensure_ascii=False)
        # and 寒川町 finds nobody: whatever it logs names none of 葉山町's ids
        beta_before = len(_rows(world.beta))
        _call(beta, "POST", route.path({}), body)
        for row in _rows(world.beta)[beta_before:]:
            assert not any(_logged(row, pk) for pk in resident["ids"])
