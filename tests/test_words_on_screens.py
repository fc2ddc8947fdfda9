"""Words, not codes (issue 13, item 2): every screen a persona reaches from the menus, with
data present, shows coded values by their labels, dates in 和暦, 年度 as 令和N年度,
postal codes with their hyphen, and no internal identifier.

The walk starts at each persona's top page and follows every link on the same host (and
submits each GET form once with its default values), as a clerk clicking through would;
PDFs, CSVs and the API are not screens. A screen is read as text (tags stripped) and as
labelled values (table columns, row headers, definition lists), so a 性別 column showing
``1`` fails even though ``1`` alone is not suspicious.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve

from tenants.db import connection
from tenants.jobs.registry import all_kinds, autoload
from tenants.models import Gyomu, Municipality
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, PORTAL_HOST

pytestmark = pytest.mark.django_db

# --- what must never be read on a screen ---------------------------------------------------

PATTERNS = {
    "西暦の年度": re.compile(r"\d{4}\s*年度"),
    "西暦の所得年": re.compile(r"\d{4}\s*年(?:分|中)"),
    "ISO形式の日付": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "西暦と書かれた入力欄": re.compile(r"（西暦）"),
    "小数で書かせる割合": re.compile(r"例[:：]\s*0\.\d"),
    "ハイフンのない郵便番号": re.compile(r"〒\s*\d{7}(?!\d)"),
    "資料のファイル名": re.compile(r"seed\s*\d{3}|\d{3}_[0-9a-f]{16}\.txt"),
}
# Postal codes in a column, row or term headed 郵便番号 must carry the hyphen.
POSTAL_LABELS = ("郵便番号",)
RAW_POSTAL = re.compile(r"^〒?\d{7}$")

# Internal names: 業務 codes, job kinds, the platform's code, system actors, field names.
# Matched as whole ASCII words (an identifier is never part of a Japanese word).
SYSTEM_WORDS = {"platform", "staff", "demo-setup", "watchdog", "load_residents"}


def _identifier_re(words: set[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(
        rf"(?<![A-Za-z0-9_.:/-])(?:job:\w+|system:\w+|{alternatives})(?![A-Za-z0-9_-])", re.ASCII
    )


def _internal_words() -> set[str]:
    autoload()
    words = set(SYSTEM_WORDS)
    words |= set(Gyomu.objects.values_list("code", flat=True))
    words |= {k.code for k in all_kinds()}
    # model field names with an underscore (``birth_date``, ``fiscal_year``): a single
    # word such as ``name`` could be English on a screen, these cannot
    for model in apps.get_models():
        if model._meta.app_label in {"auth", "contenttypes", "sessions", "admin"}:
            continue
        for f in model._meta.concrete_fields:
            if "_" in f.name and not f.name.startswith("_"):
                words.add(f.name)
    return words


def _code_columns() -> dict[str, set[str]]:
    """Heading (a choice field's verbose name) → its raw codes that are not also a label
    of it: a cell under 性別 reading ``1`` is a code, one reading ``男`` is a word."""
    out: dict[str, set[str]] = {}
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if not f.choices or not isinstance(f, models.CharField):
                continue
            labels = {str(label) for _, label in f.flatchoices}
            codes = {str(code) for code, _ in f.flatchoices if code not in ("", None)}
            out.setdefault(str(f.verbose_name), set()).update(codes - labels)
    return out


# --- reading a page ------------------------------------------------------------------------


@dataclass
class Page:
    url: str
    text: str
    pairs: list[tuple[str, str]]  # (heading, value) of tables, row headers and <dl>
    links: list[str]
    get_forms: list[str]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _cell(el: Any) -> str:
    return _clean(el.text_content())


def _table_pairs(table: Any) -> Iterator[tuple[str, str]]:
    heads = [_cell(th) for th in table.xpath("./thead/tr[last()]/th|./thead/tr[last()]/td")]
    for tr in table.xpath("./tbody/tr|./tr"):
        cells = tr.xpath("./th|./td")
        row_head = [c for c in cells if c.tag == "th" and c.get("scope") == "row"]
        for i, c in enumerate(cells):
            if i < len(heads) and heads[i]:
                yield heads[i], _cell(c)
            if row_head and c is not row_head[0] and c.tag == "td":
                yield _cell(row_head[0]), _cell(c)


def _read(url: str, html: str) -> Page:
    doc = lxml.html.fromstring(html)
    for bad in doc.xpath("//script|//style|//template"):
        bad.drop_tree()
    main = doc
    pairs: list[tuple[str, str]] = []
    for table in main.xpath("//table"):
        pairs += list(_table_pairs(table))
    for dl in main.xpath("//dl"):
        term = ""
        for el in dl.iterchildren():
            if el.tag == "dt":
                term = _cell(el)
            elif el.tag == "dd" and term:
                pairs.append((term, _cell(el)))
    links = [a.get("href", "") for a in main.xpath("//a[@href]")]
    get_forms = []
    for form in main.xpath("//form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        values = [(k, v) for k, v in form.form_values() if v]
        action = urlsplit(urljoin(url, form.get("action") or url)).path
        get_forms.append(action + "?" + urlencode(values))
    # option labels are read by the clerk; the text of inputs (values) is not text_content
    return Page(url, _clean(" ".join(main.itertext())), pairs, links, get_forms)


# --- the walk ------------------------------------------------------------------------------

SKIP = re.compile(r"(\.pdf|\.csv|/csv/|/export|/download|/file|/api/|/logout|/static/|/media/)")
PER_ROUTE = 3  # pages of one URL pattern read (three 異動, not three hundred)
MAX_PAGES = 400


@dataclass
class Walk:
    host: str
    urlconf: str
    seen: set[str] = field(default_factory=set)
    per_route: dict[str, int] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    pdfs: list[str] = field(default_factory=list)  # printed forms linked from the screens

    def route_of(self, path: str) -> str | None:
        try:
            match = resolve(path, urlconf=self.urlconf)
        except Resolver404:
            return None
        return f"{match.route}|{match.kwargs.get('gyomu_code', '')}"


def _walk(
    client: Any, host: str, urlconf: str, posts: Sequence[tuple[str, dict[str, Any]]] = ()
) -> Walk:
    """Every page reachable from the top page, and from the result of each search in
    ``posts`` (screens reached only by posting criteria: names never go into a URL)."""
    w = Walk(host, urlconf)
    queue: deque[str] = deque(["/"])
    for path, body in posts:
        response = client.post(path, body)
        connection.set_schema_to_public()
        if response.status_code in (301, 302) and "Location" in response:
            queue.append(urljoin(path, response["Location"]))
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            page = _read(f"POST {path}", response.content.decode())
            w.pages.append(page)
            queue.extend(urljoin(path, h) for h in page.links if not h.startswith("#"))
    while queue and len(w.pages) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc and parts.netloc.split(":")[0] != host.split(":")[0]:
            continue
        path = parts.path or "/"
        full = path + (f"?{parts.query}" if parts.query else "")
        if path.endswith(".pdf") and full not in w.seen:
            w.seen.add(full)
            route = w.route_of(path)
            if route is not None and w.per_route.get(route, 0) < PER_ROUTE:
                w.per_route[route] = w.per_route.get(route, 0) + 1
                w.pdfs.append(full)
            continue
        if full in w.seen or SKIP.search(path) or not path.startswith("/"):
            continue
        w.seen.add(full)
        route = w.route_of(path)
        if route is None:
            continue
        names = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
        key = f"{route}?{','.join(names)}"
        if w.per_route.get(key, 0) >= PER_ROUTE:
            continue
        w.per_route[key] = w.per_route.get(key, 0) + 1
        response = client.get(full)
        connection.set_schema_to_public()
        if response.status_code in (301, 302) and "Location" in response:
            queue.append(urljoin(full, response["Location"]))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _read(full, response.content.decode())
        w.pages.append(page)
        for href in page.links + page.get_forms:
            if href.startswith(("#", "mailto:", "javascript:")):
                continue
            queue.append(urljoin(full, href))
    for url in w.pdfs:
        response = client.get(url)
        connection.set_schema_to_public()
        if response.status_code == 200 and response.get("Content-Type") == "application/pdf":
            pdf: bytes = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            w.pages.append(Page(f"PDF {url}", " ".join(pdf_pages(pdf)), [], [], []))
    return w


def _problems(pages: list[Page]) -> list[str]:
    ident = _identifier_re(_internal_words())
    code_columns = _code_columns()
    found: list[str] = []
    for page in pages:
        for name, pattern in PATTERNS.items():
            for m in pattern.finditer(page.text):
                found.append(f"{page.url}: {name} 「{_around(page.text, m)}」")
        for m in ident.finditer(page.text):
            found.append(f"{page.url}: 内部の名前 「{_around(page.text, m)}」")
        for heading, value in page.pairs:
            if heading in POSTAL_LABELS and RAW_POSTAL.match(value):
                found.append(f"{page.url}: {heading} がハイフンなし 「{value}」")
            if heading.endswith("年度") and re.fullmatch(r"\d{4}", value):
                found.append(f"{page.url}: {heading} が西暦のまま 「{value}」")
            codes = code_columns.get(heading)
            if codes and value in codes:
                found.append(f"{page.url}: {heading} がコードのまま 「{value}」")
    return sorted(set(found))


def _around(text: str, m: re.Match[str]) -> str:
    return text[max(0, m.start() - 15) : m.end() + 15]


# --- the data every screen shows -----------------------------------------------------------


@pytest.fixture
def populated(world: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """葉山町 with a household (本登録), a 転入 and a 転居 waiting for review, 課税資料 and
    a finished 当初賦課; the consortium with a pool and an allocation run."""
    from billing.services.allocation import allocation_run
    from billing.tests.factories import unei_pool
    from juminkiroku.codes import IdoJiyu, Zokugara
    from juminkiroku.services.ido import PersonChange, ido_enter
    from juminkiroku.tests.factories import actor_for, family, household_tennyu, person_fields
    from tenants.accesslog.services import Actor
    from tenants.jobs.services import job_start
    from tenants.models import StaffUser
    from tenants.params.tenant.services import municipal_parameter_set
    from zeimu.models import KyuyoHokoku

    connection.set_tenant(world.alpha.municipality)
    pupil = person_fields(
        shimei="山田　二郎",
        shimei_kana="ヤマダ　ジロウ",
        birth_date="2016-05-05",
        zokugara=Zokugara.KO,
        setai_order=4,
    )
    _, people = household_tennyu("hayama", members=[*family(), pupil], ido_date=date(2020, 4, 1))
    household_tennyu(
        "hayama",
        members=[person_fields(shimei="葉山　次郎", shimei_kana="ハヤマ　ジロウ")],
        ido_date=date(2026, 4, 1),
        approve_it=False,
    )
    ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=date(2026, 4, 1),
        todoke_date=date(2026, 4, 2),
        changes=[
            PersonChange(a.pk, {"postal_code": "2400111", "jusho": "神奈川県三浦郡葉山町一色"})
            for a in people
        ],
        actor=actor_for("hayama-clerk"),
    )
    # 国保: the household insured (initial data) and a 届出 with 遡及 on the screens' history
    from kokuho.services.iko import shikaku_iko_load
    from kokuho.services.todoke import shaho_kanyu_todoke

    shikaku_iko_load(
        day=date(2024, 4, 1),
        actor=Actor(user_id=None, username="load_kokuho_demo"),
        choose=lambda head_age, setai_id: True,
    )
    shaho_kanyu_todoke(
        atena_id=people[0].pk,
        kanyu_date=date(2025, 5, 1),
        todoke_date=date(2025, 6, 15),
        actor=actor_for("hayama-clerk"),
    )
    # 介護保険: a 第1号 (initial data) placed in another town's facility (住所地特例), and a
    # 第2号 registered on a 認定 application
    from kaigo.services.iko import shikaku_iko_load as kaigo_iko_load
    from kaigo.services.todoke import dai2_register, jutoku_nyusho

    _, (elder,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="葉山　長吉", shimei_kana="ハヤマ　チョウキチ", birth_date="1950-01-01"
            )
        ],
        ido_date=date(2020, 4, 1),
    )
    kaigo_iko_load(day=date(2024, 4, 1), actor=Actor(user_id=None, username="load_kaigo_demo"))
    jutoku_nyusho(
        atena_id=elder.pk,
        shisetsu_shurui="kaigo_shisetsu",
        shisetsu_name="特別養護老人ホーム藤沢の里",
        shozai_dantai_code="142051",
        shozai_name="藤沢市",
        nyusho_date=date(2025, 6, 1),
        todoke_date=date(2025, 6, 3),
        actor=actor_for("hayama-clerk"),
    )
    dai2_register(
        atena_id=people[0].pk,
        iryo_hoken="kokuho",
        shinsei_date=date(2025, 6, 1),
        actor=actor_for("hayama-clerk"),
    )
    # 国保 給付: an application decided and paid, a 出産 decided, a 認定 issued (their
    # screens and PDFs are on the walk)
    from kokuho.services.kyufu import (
        Furikomi,
        FutanLine,
        gendo_nintei_kofu,
        gendo_nintei_shinsei,
        kogaku_shinsei,
        kyufu_kettei,
        shiharai_make,
        shussan_shinsei,
    )

    kclerk = actor_for("hayama-clerk")
    bank = Furikomi(
        "葉山信用金庫",
        "本店",
        "1",
        "7654321",
        "ヤマダ　ハナコ",
        kinyu_kikan_code="1234",
        shiten_code="001",
    )
    kogaku = kogaku_shinsei(
        atena_id=people[1].pk,
        year=2024,
        month=9,
        lines=[FutanLine(people[1].pk, "葉山病院", True, False, 300_000, 1_000_000)],
        shinsei_date=date(2024, 11, 1),
        furikomi=bank,
        actor=kclerk,
    )
    kyufu_kettei(kyufu_id=kogaku.pk, kettei_date=date(2024, 11, 5), actor=kclerk)
    shiharai_make(shiharai_date=date(2024, 11, 29), kyufu_ids=[kogaku.pk], actor=kclerk)
    shussan = shussan_shinsei(
        atena_id=people[1].pk,
        shussan_date=date(2024, 10, 1),
        children=1,
        sanka_hosho=True,
        chokusetsu_gaku=450_000,
        shinsei_date=date(2024, 10, 20),
        furikomi=bank,
        actor=kclerk,
    )
    kyufu_kettei(kyufu_id=shussan.pk, kettei_date=date(2024, 10, 25), actor=kclerk)
    nintei = gendo_nintei_shinsei(
        atena_id=people[1].pk, shinsei_date=date(2024, 9, 2), actor=kclerk
    )
    gendo_nintei_kofu(nintei_id=nintei.pk, kofu_date=date(2024, 9, 2), actor=kclerk)
    KyuyoHokoku.objects.create(
        atena_id=people[0].pk,
        shotoku_year=2024,
        employer_no="E100",
        employer_name="株式会社葉山",
        shiharai_kingaku=5_200_000,
        shakai_hoken=780_000,
        tokubetsu_choshu=True,
    )
    # the 級地 as the demo sets it (its change history names the loader)
    municipal_parameter_set(
        key="zeimu.kojin_juminzei.kyuchi",
        fiscal_year=2025,
        value_text="2",
        reason="生活保護法の級地区分の告示",
        actor=Actor(user_id=None, username="demo-setup"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        job_start(
            kind="zeimu_tosho_fuka",
            params={"fiscal_year": 2025},
            actor=Actor(user_id=None, username="demo-setup"),
        )
        job_start(
            kind="accesslog_export",
            params={"date_from": "2026-04-01", "date_to": "2027-03-31"},
            actor=actor_for("hayama-admin"),
        )
    connection.set_schema_to_public()
    # a system of another vendor reads through the API (its rows in the access log)
    from django.test import Client

    from tenants.api.authentication import apiclient_create

    _, key = apiclient_create(
        municipality=world.alpha.municipality,
        name="収納システム",
        scopes=["juminkiroku:read", "kojin_juminzei:read"],
    )
    api = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/zeimu/fuka/?fiscal_year=2025").status_code == 200
    assert api.get(f"/api/v1/juminkiroku/persons/{people[0].pk}/").status_code == 200
    connection.set_schema_to_public()
    # the portal shows each member's population source as the demo loads it
    demo = json.loads((settings.BASE_DIR / "tenants/data/kanagawa_demo.json").read_text("utf-8"))
    Municipality.objects.filter(pk=world.alpha.municipality.pk).update(
        population_source=demo["members"][0]["population_source"]
    )
    unei_pool(world.consortium, 10_000_001, fiscal_year=2025)
    allocation_run(
        consortium=world.consortium,
        fiscal_year=2025,
        acting_user=StaffUser.objects.get(username="office"),
    )
    return {"people": people, "atena_no": people[0].atena_no}


def _searches(atena_no: str) -> list[tuple[str, dict[str, Any]]]:
    """What a clerk posts on the town's screens to reach the rest (test_url_walk's bodies)."""
    today = "令和8年4月1日"
    return [
        ("/juminkiroku/", {"kana": "ヤマダ"}),
        ("/juminkiroku/shomei/", {"atena_no": atena_no}),
        ("/juminkiroku/inkan/", {"atena_no": atena_no}),
        ("/juminkiroku/kofu/", {"atena_no": atena_no}),
        ("/juminkiroku/senkyo/", {"kijun_date": today}),
        ("/juminkiroku/gakurei/", {"nendo": "2026", "kijun_date": today}),
        ("/juminkiroku/tokei/", {"day": today}),
        (
            "/juminkiroku/reports/",
            {"report": "by_atena_no", "date_from": "R8.1.1", "date_to": "R9.3.31"},
        ),
        ("/audit/access-log/", {}),
        ("/zeimu/kazei/", {"atena_no": atena_no, "shotoku_year": "2024"}),
    ]


PERSONAS = [
    ("hayama-admin", ALPHA_HOST, settings.ROOT_URLCONF),
    ("hayama-clerk", ALPHA_HOST, settings.ROOT_URLCONF),
    ("office", PORTAL_HOST, settings.PUBLIC_SCHEMA_URLCONF),
]


@pytest.mark.parametrize(("username", "host", "urlconf"), PERSONAS, ids=[p[0] for p in PERSONAS])
def test_no_code_or_western_year_on_any_screen(populated, login, username, host, urlconf):
    # given a persona logged in, with data in every module
    client = login(username, host)
    # when every screen reachable from the top page (and from each search) is read
    posts = _searches(populated["atena_no"]) if host != PORTAL_HOST else []
    w = _walk(client, host, urlconf, posts)
    # then the walk reached the screens that show coded values, and none shows a code
    assert len(w.pages) > 10, [p.url for p in w.pages]
    problems = _problems(w.pages)
    assert not problems, f"{len(problems)} 件:\n" + "\n".join(problems)


def test_the_walk_reaches_the_review_screen_and_the_results(populated, login):
    client = login("hayama-admin", ALPHA_HOST)
    walk = _walk(client, ALPHA_HOST, settings.ROOT_URLCONF, _searches(populated["atena_no"]))
    urls = {p.url for p in walk.pages}
    assert any(re.fullmatch(r"/juminkiroku/ido/\d+/", u) for u in urls), sorted(urls)
    assert any(re.fullmatch(r"/zeimu/kazei/\d+/2024/", u) for u in urls), sorted(urls)
    assert any(re.fullmatch(r"/juminkiroku/persons/\d+/", u) for u in urls), sorted(urls)
    assert {"POST /juminkiroku/", "POST /juminkiroku/gakurei/"} <= urls, sorted(urls)
    # and reads the printed forms the screens link to (納税通知書, 負担金明細書 …)
    assert any(u.startswith("PDF /zeimu/") for u in urls), sorted(urls)
    assert any(re.fullmatch(r"/jobs/\d+/", u) for u in urls), sorted(urls)
    assert any(u.startswith("/zeimu/fuka/") for u in urls), sorted(urls)
    # 国保: the person's 資格, the household's history and the 資格確認書
    assert any(re.fullmatch(r"/kokuho/person/\d+/", u) for u in urls), sorted(urls)
    assert any(re.fullmatch(r"/kokuho/setai/\d+/", u) for u in urls), sorted(urls)
    assert any(u.startswith("PDF /kokuho/") for u in urls), sorted(urls)
    # 介護保険: the person's 資格 with its 住所地特例 and the 被保険者証
    assert any(re.fullmatch(r"/kaigo/person/\d+/", u) for u in urls), sorted(urls)
    assert any(u.startswith("PDF /kaigo/") for u in urls), sorted(urls)
    # 国保 給付: an application, a 認定, a payment list and their PDFs
    assert any(re.fullmatch(r"/kokuho/kyufu/\d+/", u) for u in urls), sorted(urls)
    assert any(re.fullmatch(r"/kokuho/kyufu/nintei/\d+/", u) for u in urls), sorted(urls)
    assert any(re.fullmatch(r"/kokuho/kyufu/shiharai/\d+/", u) for u in urls), sorted(urls)
    assert any(re.fullmatch(r"PDF /kokuho/kyufu/\d+/tsuchi.pdf", u) for u in urls), sorted(urls)


def test_the_scan_sees_a_code_in_a_column_and_a_western_year():
    # given a page as the 異動 screen rendered it before the labels
    html = (
        "<table><thead><tr><th>項目</th><th>異動前</th><th>異動後</th></tr></thead><tbody>"
        "<tr><th scope='row'>性別</th><td></td><td>1</td></tr>"
        "<tr><th scope='row'>郵便番号</th><td>2400112</td><td>240-0111</td></tr>"
        "</tbody></table><dl><dt>実行者</dt><dd>demo-setup</dd></dl><p>2025年度 job:zeimu_x</p>"
    )
    page = _read("/x/", html)
    # then each code is found
    assert ("性別", "1") in page.pairs and ("郵便番号", "2400112") in page.pairs
    assert PATTERNS["西暦の年度"].search(page.text)
    assert _identifier_re({"demo-setup"}).findall(page.text) == ["demo-setup", "job:zeimu_x"]


def test_the_review_screen_shows_before_and_after_as_words_in_one_table(world, populated, login):
    from juminkiroku.models import Ido

    # given the pending 転居 of the household (郵便番号 2400112 → 2400111) and a pending 転入
    client = login("hayama-admin", ALPHA_HOST)
    connection.set_tenant(world.alpha.municipality)
    tenkyo, tennyu = (
        Ido.objects.get(jiyu="M01", status="kari"),
        Ido.objects.get(jiyu="K01", status="kari"),
    )
    connection.set_schema_to_public()
    # when the reviewer opens each
    html = client.get(f"/juminkiroku/ido/{tenkyo.pk}/").content.decode()
    moved, doc = _read("/", html), lxml.html.fromstring(html)
    arrived = _read("/", client.get(f"/juminkiroku/ido/{tennyu.pk}/").content.decode())
    # then every person is a group of rows of one table, so 異動前 and 異動後 line up
    assert len(doc.xpath("//table[@data-testid='ido-changes']")) == 1
    assert len(doc.xpath("//table[@data-testid='ido-changes']/tbody")) == 4
    assert moved.pairs.count(("郵便番号", "240-0112")) == 4  # 異動前
    assert moved.pairs.count(("郵便番号", "240-0111")) == 4  # 異動後
    # and a new person's coded values are words, the birth date 和暦
    for shown in [("性別", "男"), ("住民種別", "日本人住民"), ("続柄", "世帯主")]:
        assert shown in arrived.pairs
    assert ("生年月日", "昭和55年5月5日") in arrived.pairs
    labels_in_order = [h for h, _ in arrived.pairs if h in ("氏名", "生年月日", "住所")]
    assert list(dict.fromkeys(labels_in_order)) == [
        "氏名",
        "生年月日",
        "住所",
    ]  # the 住民票's order


def test_the_access_log_export_keeps_codes_and_adds_words(
    world, django_capture_on_commit_callbacks
):
    import csv
    import io

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from tenants.accesslog.services import Actor, access_record
    from tenants.jobs.services import job_start

    # given a login and a 業務 read in 葉山町's log
    connection.set_tenant(world.alpha.municipality)
    actor = Actor(user_id=None, username="demo-setup")
    access_record(actor=actor, action="login", gyomu="platform", screen="login_password")
    access_record(
        actor=actor,
        action="read",
        gyomu="kojin_juminzei",
        screen="zeimu.fuka_detail",
        record_type="zeimu.Fuka",
        record_id="1",
    )
    today = timezone.localdate().isoformat()
    # when it is exported
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="accesslog_export", params={"date_from": today, "date_to": today}, actor=actor
        )
    with default_storage.open(job.files.get().path, "rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    # then each row has the stored codes (for an auditor's filters) and the words beside them
    login = next(r for r in rows if r["画面・機能（記録値）"] == "login_password")
    assert (login["操作（コード）"], login["操作の名称"]) == ("login", "ログイン")
    assert (login["業務コード"], login["業務名"]) == ("platform", "共通基盤")
    assert login["画面・機能の名称"] == "ログイン（パスワード）"
    read = next(r for r in rows if r["業務コード"] == "kojin_juminzei")
    assert read["業務名"] == "個人住民税"
    assert read["画面・機能の名称"] == "個人住民税 賦課の内容"
    assert read["対象の種類の名称"] == "個人住民税の賦課"


# --- every internal name the code writes into a shared record has words ---------------------

_LITERAL = re.compile(
    r"""(?:screen|record_type|RECORD_TYPE|SCREEN)\s*[=:]\s*(?:str\s*=\s*)?["']([A-Za-z][\w.:]*)["']"""
    r"""|Reads\(\s*["']([A-Za-z][\w.]*)["']"""
)


def _logged_names() -> set[str]:
    names: set[str] = set()
    for app in ("tenants", "juminkiroku", "zeimu", "billing"):
        for path in (settings.BASE_DIR / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for m in _LITERAL.finditer(path.read_text("utf-8")):
                names.add(m[1] or m[2])
    return names


def test_every_logged_screen_and_record_type_has_words(world):
    from tenants.labels import word_for

    # given every screen and record type the code writes as an identifier
    names = _logged_names()
    assert {"zeimu.fuka_detail", "atena", "login_password"} <= names, sorted(names)
    # then each is shown as words on the access-log screens
    missing = sorted(n for n in names if word_for(n) == n)
    assert not missing, f"give these words (module.py words= or tenants.labels): {missing}"
