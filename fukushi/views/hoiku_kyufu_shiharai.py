"""施設型給付費の支払 screens (/fukushi/kodomo-kosodate/kyufuhi/shiharai/), beside the
施設型給付費 screen (fukushi/views/hoiku_kyufu.py): the payments of a month (施設, 児童数,
支払額, 支払日) and every payment made so far (the history, 施設番号 and month), the payment
of the month's 一致 請求, the month's 全銀 総合振込 file and one 施設's 支払通知書 (PDF);
the 返納 of a payment found wrong (決定, 戻入, 納入通知書: ``hoiku_kyufu_henno``); the
過誤調整 of 返納 at a payment (the 支払 form: an amount per 未納 返納); the 督促 of a 返納 past
its 返納期限 (the list of the 督促の対象, the 督促 and its 督促状:
``hoiku_kyufu_henno_tokusoku``).

Paths carry internal ids only; the payments name 施設, never a person (``no_personal_data``);
the writes, the file and the notice are logged by their service.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fukushi.gyomu import KODOMO_KOSODATE
from fukushi.models import (
    HoikuKyufuhiHenno,
    HoikuKyufuhiHennoJotai,
    HoikuKyufuhiHennoTokusoku,
    HoikuKyufuhiSeikyu,
    HoikuKyufuhiShiharai,
    KyufuhiSeikyuJotai,
)
from fukushi.services.hoiku_kyufu import KyufuhiRefused
from fukushi.services.hoiku_kyufu_henno import RIYU_MAX, henno_kettei, henno_reinyu, henno_tsuchi
from fukushi.services.hoiku_kyufu_henno_tokusoku import (
    henno_tokusoku,
    tokusoku_pdf,
    tokusoku_taisho,
)
from fukushi.services.hoiku_kyufu_shiharai import (
    kyufuhi_shiharai,
    shiharai_furikomi,
    shiharai_tsuchi,
)
from fukushi.views.furikomi import IraininForm, furikomi_response
from fukushi.views.responses import pdf_response
from tenants.access import gyomu_view
from tenants.accesslog.reads import no_personal_data
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.labels import wareki_month
from tenants.models import RoleLevel
from tenants.wareki import format_wareki

GYOMU = KODOMO_KOSODATE
PREFIX = "kodomo-kosodate/kyufuhi/shiharai/"
PAGE_SIZE = 50


class ShiharaiForm(IraininForm):
    field_order = ["month", "shiharai_date"]
    month = TextField(label="給付費の月（YYYY-MM）", max_length=7)
    shiharai_date = WarekiDateField(label="支払日（振込日）", help_text="例 令和7年7月10日")

    def __init__(self, *args: object, open_henno: list[HoikuKyufuhiHenno], **kw: object) -> None:
        super().__init__(*args, **kw)
        for h in open_henno:
            self.fields[f"kago_{h.pk}"] = forms.IntegerField(
                label=(
                    f"過誤調整：{h.shisetsu.code} {h.shisetsu.name} {wareki_month(h.month)}分の"
                    f"返納（残額 {h.gaku - h.reinyu_gaku:,}円）から差し引く額（円）"
                ),
                required=False,
                min_value=1,
                max_value=1_000_000_000,
            )

    def kago_chosei(self) -> dict[int, int]:
        return {
            int(name.removeprefix("kago_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kago_") and value
        }


def _open_henno() -> list[HoikuKyufuhiHenno]:
    """The 返納 未納 (any month): what a payment may set off (過誤調整)."""
    return list(
        HoikuKyufuhiHenno.objects.filter(jotai=HoikuKyufuhiHennoJotai.MINO)
        .select_related("shisetsu")
        .order_by("shisetsu__code", "month", "pk")
    )


class FileForm(forms.Form):
    month = TextField(label="給付費の月（YYYY-MM）", max_length=7)
    shiharai_date = WarekiDateField(
        label="支払日（その月を複数の日に支払ったとき）",
        required=False,
        help_text="例 令和7年7月10日",
    )


class TsuchiForm(forms.Form):
    tsuchi_date = WarekiDateField(label="通知日", help_text="例 令和7年7月10日")


class HennoForm(forms.Form):
    shiharai = forms.TypedChoiceField(label="返納する支払", coerce=int, choices=())
    kettei_date = WarekiDateField(label="返納の決定日", help_text="例 令和7年8月1日")
    gaku = forms.IntegerField(label="返納額（円）", min_value=1, max_value=1_000_000_000)
    riyu = TextField(label="返納の理由", max_length=RIYU_MAX)
    kigen = WarekiDateField(label="返納期限", help_text="例 令和7年8月29日")
    tsuchi_date = WarekiDateField(label="納入通知日", help_text="例 令和7年8月4日")

    def __init__(self, *args: object, payments: list[HoikuKyufuhiShiharai], **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        field = self.fields["shiharai"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (p.pk, f"{p.shisetsu.code} {p.shisetsu.name}　{p.gaku:,}円（{p.kai}回目）")
            for p in payments
        ]


class TokusokuForm(forms.Form):
    tokusoku_date = WarekiDateField(label="督促日", help_text="例 令和7年9月1日")


class ReinyuForm(forms.Form):
    gaku = forms.IntegerField(label="戻入額（円）", min_value=1, max_value=1_000_000_000)
    reinyu_date = WarekiDateField(label="戻入日", help_text="例 令和7年8月20日")


def _henno_open(month: date) -> list[HoikuKyufuhiShiharai]:
    """The month's payments a 返納 may be decided for (none decided yet)."""
    return list(
        HoikuKyufuhiShiharai.objects.filter(month=month, henno__isnull=True)
        .select_related("shisetsu")
        .order_by("shisetsu__code", "kai")
    )


def _month(value: str | None) -> date | None:
    try:
        y, m = (int(x) for x in (value or "").split("-"))
        return date(y, m, 1)
    except ValueError:
        return None


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _errors(request: HttpRequest, errors: list[tuple[str, str]]) -> None:
    for _, message in errors:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    _errors(request, [(k, f"{form.fields[k].label}：{e[0]}") for k, e in form.errors.items()
                      if k in form.fields])  # fmt: skip


def _back(month: date | None) -> HttpResponse:
    url = reverse("fukushi_hoiku_kyufuhi_shiharai")
    return redirect(f"{url}?month={month:%Y-%m}" if month else url)


@gyomu_view(GYOMU)
@no_personal_data  # 施設 and amounts only
@require_GET
def shiharai_list(request: HttpRequest) -> HttpResponse:
    """The month's 請求 with their payment (or why not yet), and the history of payments."""
    month = _month(request.GET.get("month")) or timezone.localdate().replace(day=1)
    seikyu = list(
        HoikuKyufuhiSeikyu.objects.filter(month=month)
        .select_related("shisetsu")
        .prefetch_related("shiharais__henno")
        .order_by("shisetsu__code")
    )
    rows = []
    for q in seikyu:
        paid = sorted(q.shiharais.all(), key=lambda p: p.kai)
        rows.append({"q": q, "paid": paid, "last": paid[-1] if paid else None})
    henno = list(
        HoikuKyufuhiHenno.objects.filter(month=month)
        .select_related("shisetsu", "shiharai", "tokusoku")
        .order_by("shisetsu__code", "pk")
    )
    today = timezone.localdate()
    history = Paginator(
        HoikuKyufuhiShiharai.objects.select_related("shisetsu").order_by(
            "-month", "shisetsu__code", "kai"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "fukushi/hoiku/kyufuhi_shiharai.html",
        {
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "rows": rows,
            "itchi": KyufuhiSeikyuJotai.ITCHI,
            "kanno": HoikuKyufuhiHennoJotai.KANNO,
            "henno": henno,
            "history": history,
            "can_write": _can_write(request),
            "shiharai_form": ShiharaiForm(
                initial={"month": f"{month:%Y-%m}"}, open_henno=_open_henno()
            ),
            "today": today,
            "taisho": list(tokusoku_taisho(today)[:PAGE_SIZE]),
            "tokusoku_list": list(
                HoikuKyufuhiHennoTokusoku.objects.select_related("henno__shisetsu").order_by(
                    "-tokusoku_date", "-pk"
                )[:PAGE_SIZE]
            ),
            "tokusoku_form": TokusokuForm(initial={"tokusoku_date": today}),
            "file_form": FileForm(initial={"month": f"{month:%Y-%m}"}),
            "tsuchi_form": TsuchiForm(),
            "henno_form": HennoForm(payments=_henno_open(month)),
            "reinyu_form": ReinyuForm(),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def shiharai(request: HttpRequest) -> HttpResponse:
    """Pay every 施設 of the month whose 請求 is 一致 and not yet paid."""
    form = ShiharaiForm(request.POST, open_henno=_open_henno())
    month = _month(request.POST.get("month"))
    if month is None:
        form.add_error("month", "YYYY-MM の形で入力してください。")
    if form.is_valid() and form.cleaned_data["shiharai_date"] is None:
        form.add_error("shiharai_date", "入力してください。")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(month)
    assert month is not None
    try:
        made = kyufuhi_shiharai(
            month=month, shiharai_date=form.cleaned_data["shiharai_date"],
            irainin=form.irainin(), actor=actor_from_request(request),
            kago_chosei=form.kago_chosei(),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
    else:
        kago = sum(p.kago_chosei_gaku for p in made)
        messages.success(
            request,
            f"{len(made)}施設に給付費を支払いました（合計 {sum(p.gaku for p in made):,}円"
            + (
                f"、過誤調整 {kago:,}円、振込額 {sum(p.furikomi_gaku for p in made):,}円"
                if kago
                else ""
            )
            + "）。総合振込ファイルと支払通知書を作成できます。",
        )
    return _back(month)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # 施設 accounts only; its EXPORT is logged by the service
@require_POST
def furikomi(request: HttpRequest) -> HttpResponse:
    """The 全銀 総合振込 file of the month's payments (as recorded)."""
    form = FileForm(request.POST)
    month = _month(request.POST.get("month"))
    if month is None or not form.is_valid():
        messages.error(request, "給付費の月（YYYY-MM）と支払日を正しく入力してください。")
        return _back(month)
    try:
        data, _ = shiharai_furikomi(
            month=month, shiharai_date=form.cleaned_data["shiharai_date"],
            actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
        return _back(month)
    return furikomi_response(data, f"kyufuhi_shiharai_{month:%Y%m}.txt")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a notice to a 施設; its PRINT is logged by the service
@require_POST
def tsuchi(request: HttpRequest, pk: int) -> HttpResponse:
    """The 支払通知書 of one payment (PDF, opened in a new tab)."""
    p = get_object_or_404(HoikuKyufuhiShiharai, pk=pk)
    form = TsuchiForm(request.POST)
    if form.is_valid() and form.cleaned_data["tsuchi_date"] is None:
        form.add_error("tsuchi_date", "入力してください。")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(p.month)
    pdf = shiharai_tsuchi(
        shiharai=p, tsuchi_date=form.cleaned_data["tsuchi_date"], actor=actor_from_request(request)
    )
    return pdf_response(pdf, f"kyufuhi_shiharai_tsuchi_{p.pk}.pdf")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def henno(request: HttpRequest) -> HttpResponse:
    """Decide the 返納 of one of the month's payments."""
    month = _month(request.POST.get("month"))
    if month is None:
        messages.error(request, "給付費の月（YYYY-MM）を正しく指定してください。")
        return _back(None)
    form = HennoForm(request.POST, payments=_henno_open(month))
    if form.is_valid():
        for name in ("kettei_date", "kigen", "tsuchi_date"):
            if form.cleaned_data[name] is None:
                form.add_error(name, "入力してください。")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(month)
    d = form.cleaned_data
    p = get_object_or_404(HoikuKyufuhiShiharai, pk=d["shiharai"])
    try:
        h = henno_kettei(
            shiharai=p, kettei_date=d["kettei_date"], gaku=d["gaku"], riyu=d["riyu"],
            kigen=d["kigen"], tsuchi_date=d["tsuchi_date"], actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
    else:
        messages.success(
            request,
            f"{p.shisetsu.name}の支払の返納（{h.gaku:,}円）を決定しました。"
            "納入通知書を作成できます。",
        )
    return _back(month)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def reinyu(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a 戻入 against a 返納."""
    h = get_object_or_404(HoikuKyufuhiHenno, pk=pk)
    form = ReinyuForm(request.POST)
    if form.is_valid() and form.cleaned_data["reinyu_date"] is None:
        form.add_error("reinyu_date", "入力してください。")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(h.month)
    try:
        h = henno_reinyu(
            henno=h, gaku=form.cleaned_data["gaku"],
            reinyu_date=form.cleaned_data["reinyu_date"], actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
    else:
        text = f"戻入を記録しました（残額 {h.gaku - h.reinyu_gaku:,}円）。"
        if h.jotai == HoikuKyufuhiHennoJotai.KANNO:
            text += "完納のため、この月の請求を受付に戻しました（再審査で一致してから再支払）。"
        messages.success(request, text)
    return _back(h.month)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a notice to a 施設; its PRINT is logged by the service
@require_POST
def henno_tsuchi_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 納入通知書 of a 返納 (PDF, opened in a new tab)."""
    h = get_object_or_404(HoikuKyufuhiHenno, pk=pk)
    pdf = henno_tsuchi(henno=h, actor=actor_from_request(request))
    return pdf_response(pdf, f"kyufuhi_henno_tsuchi_{h.pk}.pdf")


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a write (logged by its service)
@require_POST
def tokusoku(request: HttpRequest, pk: int) -> HttpResponse:
    """The 督促 of a 返納 past its 返納期限 (recorded once; its 督促状 printed apart)."""
    h = get_object_or_404(HoikuKyufuhiHenno, pk=pk)
    form = TokusokuForm(request.POST)
    if form.is_valid() and form.cleaned_data["tokusoku_date"] is None:
        form.add_error("tokusoku_date", "入力してください。")
    if not form.is_valid():
        _form_errors(request, form)
        return _back(h.month)
    try:
        t = henno_tokusoku(
            henno=h, tokusoku_date=form.cleaned_data["tokusoku_date"],
            actor=actor_from_request(request),
        )  # fmt: skip
    except KyufuhiRefused as exc:
        _errors(request, exc.errors)
    else:
        messages.success(
            request,
            f"督促しました（未納額 {t.zan:,}円、指定期限 {format_wareki(t.shitei_kigen)}）。"
            "督促状を作成できます。",
        )
    return _back(h.month)


@gyomu_view(GYOMU, level=RoleLevel.WRITE)
@no_personal_data  # a letter to a 施設; its PRINT is logged by the service
@require_POST
def tokusoku_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The 督促状 of a 返納's 督促 (PDF, opened in a new tab; 再発行 when printed before)."""
    t = get_object_or_404(HoikuKyufuhiHennoTokusoku, henno_id=pk)
    pdf = tokusoku_pdf(tokusoku=t, actor=actor_from_request(request))
    return pdf_response(pdf, f"kyufuhi_henno_tokusoku_{pk}.pdf")


urlpatterns: list[URLPattern] = [
    path(PREFIX, shiharai_list, name="fukushi_hoiku_kyufuhi_shiharai"),
    path(f"{PREFIX}shiharau/", shiharai, name="fukushi_hoiku_kyufuhi_shiharai_run"),
    path(f"{PREFIX}furikomi/", furikomi, name="fukushi_hoiku_kyufuhi_shiharai_furikomi"),
    path(f"{PREFIX}<int:pk>/tsuchi/", tsuchi, name="fukushi_hoiku_kyufuhi_shiharai_tsuchi"),
    path(f"{PREFIX}henno/", henno, name="fukushi_hoiku_kyufuhi_henno"),
    path(f"{PREFIX}henno/<int:pk>/reinyu/", reinyu, name="fukushi_hoiku_kyufuhi_henno_reinyu"),
    path(
        f"{PREFIX}henno/<int:pk>/tsuchi/",
        henno_tsuchi_pdf,
        name="fukushi_hoiku_kyufuhi_henno_tsuchi",
    ),
    path(
        f"{PREFIX}henno/<int:pk>/tokusoku/",
        tokusoku,
        name="fukushi_hoiku_kyufuhi_henno_tokusoku",
    ),
    path(
        f"{PREFIX}henno/<int:pk>/tokusoku/pdf/",
        tokusoku_pdf_view,
        name="fukushi_hoiku_kyufuhi_henno_tokusoku_pdf",
    ),
]
