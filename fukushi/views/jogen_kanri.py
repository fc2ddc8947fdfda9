"""利用者負担の上限額管理 screens (SG-83〜SG-86), one set per 制度, mounted under the decision's
own screens: /fukushi/jido-tsusho/<pk>/jogen-kanri/ (障害児通所支援) and
/fukushi/jiritsu-shien/<pk>/jogen-kanri/ (障害福祉サービス), and the file import at
…/jogen-kanri/torikomi/.

Behind the decision's wall: the 業務 role, the grant ``SHOGAI_TECHO`` (404 without it, whether
the record exists or not) and the 利用目的 the clerk entered for that decision (the decision's
own purpose session). Every read is logged with it; the writes are logged by their service.
Paths carry internal ids only; the import answers show 受給者証番号, months and results, no
names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.jogen_kanri import (
    JogenKanriJigyosho,
    JogenKanriKekka,
    JogenKanriKubun,
    JogenSeido,
)
from fukushi.models.tsusho import TsushoKettei
from fukushi.printjobs_jogen_kanri import kekkahyo_render
from fukushi.rules.jogen_kanri import Getsugaku
from fukushi.services.jogen_kanri import (
    HEADER,
    JogenRefused,
    Jukyusha,
    jogen_kanri_kakutei,
    jogen_kanri_torikomi,
    jukyusha_get,
    kanri_jigyosho_on,
    kanri_jigyosho_set,
)
from fukushi.views.jiritsu import PURPOSES as JIRITSU_PURPOSES
from fukushi.views.purpose import PurposeSession
from fukushi.views.shogai import may_see_techo, techo_wall
from fukushi.views.tsusho import PURPOSE as TSUSHO_PURPOSE
from juminkiroku.public import person_identities
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import Reads, access_note, logged_by_service, logs_reads
from tenants.accesslog.services import actor_from_request
from tenants.forms.errors import message_form_errors
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField, wareki_help
from tenants.models import RoleLevel

GYOMU = SHOGAISHA_FUKUSHI
NOT_FOUND = "ページが見つかりません。"
DATE_HELP = wareki_help("令和7年8月1日", "R7.8.1", "2025/8/1")
ROWS = 6
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

SEIDO: dict[str, dict[str, Any]] = {
    JogenSeido.TSUSHO: {
        "slug": "tsusho",
        "purpose": TSUSHO_PURPOSE,
        "record_type": "fukushi.TsushoKettei",
        "detail": "fukushi_tsusho_detail",
        "mokuteki": "fukushi_tsusho_mokuteki",
    },
    JogenSeido.JIRITSU: {
        "slug": "jiritsu",
        "purpose": JIRITSU_PURPOSES["fukushi.JiritsuKettei"],
        "record_type": "fukushi.JiritsuKettei",
        "detail": "fukushi_jiritsu_detail",
        "mokuteki": "fukushi_jiritsu_mokuteki",
    },
}


class JigyoshoForm(forms.Form):
    kaishi = WarekiDateField(label="適用を始める月（その月の日付）", help_text=DATE_HELP)
    jigyosho_bango = TextField(label="上限額管理事業所の事業所番号（10桁）", max_length=10)
    jigyosho_mei = TextField(label="上限額管理事業所の名称", max_length=100)


class GetsugakuForm(forms.Form):
    """One month: up to ``ROWS`` 事業所, each 事業所番号・名称・総費用額・利用者負担額."""

    teikyo = WarekiDateField(label="サービス提供年月（その月の日付）", help_text=DATE_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(ROWS):
            self.fields[f"bango_{i}"] = TextField(
                label=f"{i + 1}行目 事業所番号", max_length=10, required=False
            )
            self.fields[f"mei_{i}"] = TextField(
                label=f"{i + 1}行目 事業所名", max_length=100, required=False
            )
            self.fields[f"sohiyo_{i}"] = forms.IntegerField(
                label=f"{i + 1}行目 総費用額（円）", min_value=0, max_value=100_000_000,
                required=False,
            )  # fmt: skip
            self.fields[f"futan_{i}"] = forms.IntegerField(
                label=f"{i + 1}行目 利用者負担額（円・空欄は総費用額から計算）",
                min_value=0, max_value=100_000_000, required=False,
            )  # fmt: skip

    def table(self) -> list[list[Any]]:
        return [
            [self[f"{n}_{i}"] for n in ("bango", "mei", "sohiyo", "futan")] for i in range(ROWS)
        ]

    def rows(self) -> list[Getsugaku]:
        d = self.cleaned_data
        out: list[Getsugaku] = []
        for i in range(ROWS):
            bango = (d.get(f"bango_{i}") or "").strip()
            if not bango and d.get(f"sohiyo_{i}") is None:
                continue
            if d.get(f"sohiyo_{i}") is None:
                self.add_error(f"sohiyo_{i}", f"{i + 1}行目の総費用額を入力してください。")
                continue
            out.append(
                Getsugaku(
                    bango,
                    (d.get(f"mei_{i}") or "").strip(),
                    int(d[f"sohiyo_{i}"]),
                    d.get(f"futan_{i}"),
                )
            )
        return out


class TorikomiForm(forms.Form):
    file = forms.FileField(label="上限額管理のファイル（CSV、当社定義の様式）")

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます（20MBまで）。")
        return f


def _can_write(request: HttpRequest) -> bool:
    return bool(getattr(request, "role_levels", {}).get(GYOMU, 0) >= RoleLevel.WRITE)


def _flash(request: HttpRequest, exc: JogenRefused) -> None:
    for _, msg in exc.errors:
        messages.error(request, msg)


def jogen_kanri_views(seido: str) -> list[URLPattern]:
    spec = SEIDO[seido]
    slug: str = spec["slug"]
    purposes: PurposeSession = spec["purpose"]
    record_type: str = spec["record_type"]
    n = f"fukushi_{slug}_jogen_"

    def wall(request: HttpRequest, pk: int) -> tuple[Jukyusha, str | None]:
        techo_wall(request)
        try:
            j = jukyusha_get(seido, pk)
        except JogenRefused as exc:
            raise Http404(NOT_FOUND) from exc
        return j, purposes.get(request, pk) or None

    def to_mokuteki(pk: int) -> HttpResponse:
        return redirect(reverse(spec["mokuteki"], kwargs={"pk": pk}))

    @gyomu_view(GYOMU, write_level=RoleLevel.READ)
    @logs_reads(Reads(record_type, id_kwarg="pk", shown="j", screen=f"fukushi.{slug}_jogen_kanri"))
    @require_GET
    def kanri(request: HttpRequest, pk: int) -> HttpResponse:
        """The 上限額管理事業所 history and the months' results of one decision; for a writer
        the two forms."""
        j, purpose = wall(request, pk)
        if not purpose:
            return to_mokuteki(pk)
        today = timezone.localdate()
        k = j.kettei
        people = person_identities(j.atena_ids)
        p = people.get(k.atena_id)
        ctx: dict[str, Any] = {
            "j": j,
            "k": k,
            "n": n,
            "detail_url": reverse(spec["detail"], kwargs={"pk": pk}),
            "shimei": p.shimei if p else "",
            "hogosha": (
                getattr(people.get(k.hogosha_atena_id), "shimei", "")
                if isinstance(k, TsushoKettei)
                else ""
            ),
            "jigyosho": list(
                JogenKanriJigyosho.objects.filter(seido=seido, kettei_id=pk).order_by("kaishi_ym")
            ),
            "current": kanri_jigyosho_on(j, today.replace(day=1)),
            "kekka": list(
                JogenKanriKekka.objects.filter(seido=seido, kettei_id=pk).order_by("-teikyo_ym")
            ),
            "can_write": _can_write(request),
            "header": ",".join(HEADER),
        }
        if ctx["can_write"]:
            ctx["jigyosho_form"] = JigyoshoForm(initial={"kaishi": today})
            ctx["getsugaku_form"] = GetsugakuForm(initial={"teikyo": today})
        access_note(request, purpose=purpose, detail={"atena_ids": j.atena_ids})
        return TemplateResponse(request, "fukushi/jogen_kanri/kanri.html", ctx)

    @gyomu_view(GYOMU, level=RoleLevel.WRITE)
    @logged_by_service  # kanri_jigyosho_set writes the access-log row
    @require_POST
    def jigyosho(request: HttpRequest, pk: int) -> HttpResponse:
        _, purpose = wall(request, pk)
        if not purpose:
            return to_mokuteki(pk)
        form = JigyoshoForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                row = kanri_jigyosho_set(
                    seido=seido, pk=pk, kaishi=d["kaishi"], bango=d["jigyosho_bango"],
                    mei=d["jigyosho_mei"], actor=actor_from_request(request), purpose=purpose,
                )  # fmt: skip
            except JogenRefused as exc:
                _flash(request, exc)
            else:
                messages.success(request, f"上限額管理事業所を{row.jigyosho_mei}にしました。")
        else:
            message_form_errors(request, form)
        return redirect(n + "kanri", pk=pk)

    @gyomu_view(GYOMU, level=RoleLevel.WRITE)
    @logged_by_service  # jogen_kanri_kakutei writes the access-log row
    @require_POST
    def getsugaku(request: HttpRequest, pk: int) -> HttpResponse:
        _, purpose = wall(request, pk)
        if not purpose:
            return to_mokuteki(pk)
        form = GetsugakuForm(request.POST)
        if form.is_valid():
            rows = form.rows()
        if form.is_valid():
            try:
                kekka = jogen_kanri_kakutei(
                    seido=seido, pk=pk, teikyo=form.cleaned_data["teikyo"], rows=rows,
                    actor=actor_from_request(request), purpose=purpose,
                )  # fmt: skip
            except JogenRefused as exc:
                _flash(request, exc)
            else:
                messages.success(
                    request,
                    f"上限額管理結果を作成しました（{JogenKanriKubun(kekka.kekka).label}）。",
                )
                return redirect(n + "kekka", pk=pk, kekka_pk=kekka.pk)
        else:
            message_form_errors(request, form)
        return redirect(n + "kanri", pk=pk)

    def _kekka(
        request: HttpRequest, pk: int, kekka_pk: int
    ) -> tuple[Jukyusha, str | None, JogenKanriKekka]:
        j, purpose = wall(request, pk)
        kekka = JogenKanriKekka.objects.filter(pk=kekka_pk, seido=seido, kettei_id=pk).first()
        if kekka is None:
            raise Http404(NOT_FOUND)
        return j, purpose, kekka

    @gyomu_view(GYOMU, write_level=RoleLevel.READ)
    @logs_reads(
        Reads("fukushi.JogenKanriKekka", id_kwarg="kekka_pk", shown="kekka",
              screen=f"fukushi.{slug}_jogen_kekka")
    )  # fmt: skip
    @require_GET
    def kekka_view(request: HttpRequest, pk: int, kekka_pk: int) -> HttpResponse:
        j, purpose, kekka = _kekka(request, pk, kekka_pk)
        if not purpose:
            return to_mokuteki(pk)
        people = person_identities(j.atena_ids)
        p = people.get(j.kettei.atena_id)
        access_note(request, purpose=purpose, detail={"atena_ids": j.atena_ids})
        return TemplateResponse(
            request,
            "fukushi/jogen_kanri/kekka.html",
            {"j": j, "k": j.kettei, "n": n, "kekka": kekka, "shimei": p.shimei if p else "",
             "kekka_label": JogenKanriKubun(kekka.kekka).label,
             "meisai": list(kekka.meisai.order_by("junban"))},
        )  # fmt: skip

    @gyomu_view(GYOMU, write_level=RoleLevel.READ)
    @logs_reads(
        Reads("fukushi.JogenKanriKekka", action=AccessAction.PRINT, id_kwarg="kekka_pk",
              screen=f"fukushi.{slug}_jogen_pdf")
    )  # fmt: skip
    @require_GET
    def kekka_pdf(request: HttpRequest, pk: int, kekka_pk: int) -> HttpResponse:
        j, purpose, kekka = _kekka(request, pk, kekka_pk)
        if not purpose:
            return to_mokuteki(pk)
        pdf = kekkahyo_render(kekka, sakusei=timezone.localdate())
        access_note(request, purpose=purpose, detail={"atena_ids": j.atena_ids})
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="jogen_kanri_{kekka.pk}.pdf"'
        return response

    @gyomu_view(GYOMU, level=RoleLevel.WRITE)
    @logged_by_service  # each result's access-log row is written by jogen_kanri_torikomi
    @require_http_methods(["GET", "POST"])
    def torikomi(request: HttpRequest) -> HttpResponse:
        if not may_see_techo(request):
            raise Http404(NOT_FOUND)
        form = TorikomiForm(request.POST or None, request.FILES or None)
        done: list[dict[str, Any]] = []
        if request.method == "POST" and form.is_valid():
            f = form.cleaned_data["file"]
            try:
                out = jogen_kanri_torikomi(
                    seido=seido, data=f.read(), filename=str(f.name)[:100],
                    actor=actor_from_request(request),
                )  # fmt: skip
            except JogenRefused as exc:
                _flash(request, exc)
            else:
                messages.success(request, f"上限額管理結果を{len(out)}件作成しました。")
                done = [
                    {"kekka": k, "label": JogenKanriKubun(k.kekka).label,
                     "bango": jukyusha_get(seido, k.kettei_id).kettei.jukyusha_bango}
                    for k in out
                ]  # fmt: skip
        return TemplateResponse(
            request,
            "fukushi/jogen_kanri/torikomi.html",
            {"form": form, "done": done, "n": n, "seido": JogenSeido(seido).label,
             "header": ",".join(HEADER)},
        )  # fmt: skip

    return [
        path("jogen-kanri/torikomi/", torikomi, name=n + "torikomi"),
        path("<int:pk>/jogen-kanri/", kanri, name=n + "kanri"),
        path("<int:pk>/jogen-kanri/jigyosho/", jigyosho, name=n + "jigyosho"),
        path("<int:pk>/jogen-kanri/getsugaku/", getsugaku, name=n + "getsugaku"),
        path("<int:pk>/jogen-kanri/<int:kekka_pk>/", kekka_view, name=n + "kekka"),
        path("<int:pk>/jogen-kanri/<int:kekka_pk>/kekkahyo.pdf", kekka_pdf, name=n + "pdf"),
    ]


tsusho_urlpatterns = jogen_kanri_views(JogenSeido.TSUSHO)
jiritsu_urlpatterns = jogen_kanri_views(JogenSeido.JIRITSU)
