"""EUC抽出 over the 中間標準レイアウト: the wizard (1 ファイル, 2 項目, 3 条件, 4 並び順,
5 プレビュー), the job's result and its download.

Open to staff of the 業務 holding its EUC grant (標準仕様書 10.1, 10.3); 個人番号 is offered
only with the grant 個人番号の表示. Conditions travel in POST bodies, never in a URL. The
preview is a SEARCH in the access log with the items and the rows shown; the job writes an
EXPORT with the items and the row count; each download another EXPORT. A result is
offered to the person who started it only (its items are the ones that person may see).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from juminkiroku.public import (
    GYOMU,
    KENGEN_EUC,
    KENGEN_KOJIN_BANGO,
    euc_hidden_atena_nos,
    held_ranges,
    held_read,
)
from migration_io.codec import Context
from migration_io.euc.jobs import EUC, FORMATS, euc_dir, output_name, result_of
from migration_io.euc.models import EucTeigi
from migration_io.euc.readonly import readonly_reads
from migration_io.euc.spec import (
    MAX_FILTERS,
    MAX_SORT,
    OPS,
    PREVIEW_ROWS,
    PREVIEW_SCAN,
    Checked,
    Definition,
    DefinitionError,
    Filter,
    SortKey,
    definition_check,
    euc_files,
    headings,
    offered_items,
    sort_rows,
    visible,
)
from migration_io.layout import LAYOUTS, Layout, LayoutFile, layout_load
from tenants.access import gyomu_view
from tenants.accesslog.models import AccessAction
from tenants.accesslog.reads import (
    Reads,
    access_note,
    access_refusal,
    logs_reads,
    no_personal_data,
)
from tenants.accesslog.services import actor_from_request
from tenants.forms.text import TextField
from tenants.grants.selectors import grants_of
from tenants.jobs.models import Job
from tenants.jobs.services import JobRefused, job_start
from tenants.models import RoleLevel
from tenants.selectors.current import current_municipality
from tenants.wareki import format_wareki

ORDER_CHOICES = [("asc", "昇順（小さい順）"), ("desc", "降順（大きい順）")]
REFUSED = "EUC抽出の権限がありません。権限の付与は管理者に依頼してください。"


def _layout() -> Layout:
    return layout_load(LAYOUTS[0])


def _user_id(request: HttpRequest) -> int | None:
    return getattr(getattr(request, "user", None), "pk", None)


def _refused(request: HttpRequest, status: int = 403) -> TemplateResponse:
    access_refusal(request, record_type="mio_euc", record_id="", reason="no_kengen")
    return TemplateResponse(
        request, "migration_io/euc/start.html", {"refused": REFUSED}, status=status
    )


class EucForm(forms.Form):
    def __init__(self, *args: Any, layout: Layout, file: LayoutFile, kojin_bango: bool, **kw: Any):
        super().__init__(*args, **kw)
        self.layout = layout
        self.file = file
        self.kojin_bango = kojin_bango
        choices = [(i.id, i.name) for i in offered_items(file, kojin_bango=kojin_bango)]
        optional = [("", "（選ばない）"), *choices]
        self.fields["items"] = forms.MultipleChoiceField(
            label="2 出力する項目",
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            help_text="選んだ項目を、レイアウトの項目の順に出力します。",
        )
        for n in range(1, MAX_FILTERS + 1):
            self.fields[f"f{n}_item"] = forms.ChoiceField(
                label=f"3 条件{n}の項目", choices=optional, required=False
            )
            self.fields[f"f{n}_op"] = forms.ChoiceField(
                label=f"条件{n}の種類", choices=list(OPS.items()), required=False
            )
            self.fields[f"f{n}_value"] = TextField(
                label=f"条件{n}の値（範囲のときは始め）",
                max_length=100,
                required=False,
                help_text="日付は 令和7年4月1日・R7.4.1・2025/4/1 のように入力します。",
            )
            self.fields[f"f{n}_value2"] = TextField(
                label=f"条件{n}の範囲の終わり", max_length=100, required=False
            )
        for n in range(1, MAX_SORT + 1):
            self.fields[f"s{n}_item"] = forms.ChoiceField(
                label=f"4 並び順{n}の項目", choices=optional, required=False
            )
            self.fields[f"s{n}_order"] = forms.ChoiceField(
                label=f"並び順{n}の向き", choices=ORDER_CHOICES, required=False
            )
        self.fields["format"] = forms.ChoiceField(
            label="出力形式", choices=list(FORMATS.items()), widget=forms.RadioSelect
        )
        self.fields["format"].initial = next(iter(FORMATS))
        self.fields["teigi_name"] = TextField(
            label="定義の名前（保存するとき）",
            max_length=50,
            required=False,
            help_text="同じ名前で保存すると上書きします。",
        )
        self.fields["teigi_shared"] = forms.BooleanField(
            label="EUC抽出の権限がある職員と共有する", required=False
        )
        self.checked: Checked | None = None

    def definition(self) -> Definition:
        data = self.cleaned_data
        filters = tuple(
            Filter(
                data[f"f{n}_item"],
                data[f"f{n}_op"] or "eq",
                data[f"f{n}_value"] or "",
                data[f"f{n}_value2"] or "",
            )
            for n in range(1, MAX_FILTERS + 1)
            if data.get(f"f{n}_item")
        )
        sort = tuple(
            SortKey(data[f"s{n}_item"], data[f"s{n}_order"] == "desc")
            for n in range(1, MAX_SORT + 1)
            if data.get(f"s{n}_item")
        )
        return Definition(
            layout=self.layout.code,
            file=self.file.id,
            items=tuple(data.get("items") or ()),
            filters=filters,
            sort=sort,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            self.checked = definition_check(
                self.layout, self.definition(), kojin_bango=self.kojin_bango
            )
        except DefinitionError as exc:
            for message in exc.messages:
                self.add_error(None, message)
        return data


def initial_of(teigi: EucTeigi) -> dict[str, Any]:
    """The wizard's fields filled from a saved definition."""
    p = teigi.params
    data: dict[str, Any] = {
        "items": list(p.get("items") or []),
        "format": p.get("format") or next(iter(FORMATS)),
        "teigi_name": teigi.name,
        "teigi_shared": teigi.shared,
    }
    for n, f in enumerate(p.get("filters") or [], start=1):
        data[f"f{n}_item"] = f.get("item", "")
        data[f"f{n}_op"] = f.get("op", "eq")
        data[f"f{n}_value"] = f.get("value", "")
        data[f"f{n}_value2"] = f.get("value2", "")
    for n, k in enumerate(p.get("sort") or [], start=1):
        data[f"s{n}_item"] = k.get("item", "")
        data[f"s{n}_order"] = "desc" if k.get("desc") else "asc"
    return data


def _teigi_for(request: HttpRequest, pk: int) -> EucTeigi:
    """A definition this person may open: their own or a shared one."""
    uid = _user_id(request)
    found = EucTeigi.objects.filter(pk=pk).filter(Q(owner_id=uid) | Q(shared=True)).first()
    if found is None:
        raise Http404
    return found


def _shown(value: Any) -> str:
    """A value as the screen shows it: dates in 和暦, nothing for an empty value."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return f"{format_wareki(local.date())} {local:%H:%M}"
    if isinstance(value, date):
        return format_wareki(value)
    return str(value)


def preview(checked: Checked) -> tuple[list[list[Any]], int, bool]:
    """The first PREVIEW_ROWS rows found in 宛名 order (then sorted), the records read,
    and whether the preview stopped before reading them all (PREVIEW_SCAN)."""
    ctx = Context(dantai_code=current_municipality().dantai_code)
    found: list[list[Any]] = []
    scanned = 0
    with readonly_reads() as alias:
        hidden = euc_hidden_atena_nos(timezone.localdate())
        for r in held_ranges(checked.file.set, 2000, using=alias):
            if len(found) >= PREVIEW_ROWS or scanned >= PREVIEW_SCAN:
                return sort_rows(checked, found), scanned, True
            records = held_read(checked.file.set, r.first_id, r.last_id, using=alias)
            scanned += len(records)
            for record in visible(records, hidden):
                row = checked.row(record.id, record.values, ctx)
                if row is not None and len(found) < PREVIEW_ROWS:
                    found.append(row)
    return sort_rows(checked, found), scanned, False


@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.READ)  # an extraction reads
@logs_reads(Reads("mio_euc", action=AccessAction.SEARCH, screen="mio_euc", shown="refused"))
def euc_start(request: HttpRequest) -> TemplateResponse:
    """Step 1: the layout file; and this clerk's extractions. (The menu offers it to the
    業務's staff: without the grant this page says why, as a page, not an error.)"""
    if KENGEN_EUC not in grants_of(_user_id(request)):
        return _refused(request, status=200)
    layout = _layout()
    uid = _user_id(request)
    jobs = Job.objects.filter(kind=EUC.code, started_by_id=uid).order_by("-id")[:20]
    names = {f.id: f.name for f in euc_files(layout)}
    teigi = [
        (t, names.get(t.file, t.file), t.owner_id == uid)
        for t in EucTeigi.objects.filter(Q(owner_id=uid) | Q(shared=True)).order_by("name")
    ]
    return TemplateResponse(
        request,
        "migration_io/euc/start.html",
        {"layout": layout, "files": euc_files(layout), "jobs": list(jobs), "teigi": teigi},
    )


@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@no_personal_data  # a definition names items and conditions, no person
@require_POST
def euc_teigi_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of this person's own saved definitions."""
    if KENGEN_EUC not in grants_of(_user_id(request)):
        return _refused(request)
    teigi = get_object_or_404(EucTeigi, pk=pk, owner_id=_user_id(request) or 0)
    name = teigi.name
    teigi.delete()
    messages.success(request, f"抽出の定義「{name}」を削除しました。")
    return redirect("mio_euc")


@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.READ)  # an extraction reads
@logs_reads(Reads("mio_euc", action=AccessAction.SEARCH, screen="mio_euc", shown="preview"))
@require_http_methods(["GET", "POST"])
def euc_define(request: HttpRequest, file_id: str) -> HttpResponse:
    """Steps 2–5: items, conditions, sort order, preview; then the job."""
    grants = grants_of(_user_id(request))
    if KENGEN_EUC not in grants:
        return _refused(request)
    layout = _layout()
    file = next((f for f in euc_files(layout) if f.id == file_id), None)
    if file is None:
        raise Http404
    data: Any = request.POST or None
    teigi: EucTeigi | None = None
    raw_teigi = request.GET.get("teigi", "")
    if request.method == "GET" and raw_teigi:
        if not raw_teigi.isdigit():
            raise Http404
        teigi = _teigi_for(request, int(raw_teigi))
        if teigi.file != file.id:
            raise Http404
        # bound, so the definition is checked again against what this person may see;
        # items they may not see (個人番号 without its grant) are taken out, by name
        data = initial_of(teigi)
        offered = {i.id for i in offered_items(file, kojin_bango=KENGEN_KOJIN_BANGO in grants)}
        names = {i.id: i.name for i in file.items}
        used = set(data["items"]) | {v for k, v in data.items() if k[-5:] == "_item" and v}
        dropped = sorted(used - offered)
        if dropped:
            data["items"] = [i for i in data["items"] if i in offered]
            for key in [k for k, v in data.items() if k[-5:] == "_item" and v not in offered]:
                data[key] = ""
            messages.warning(
                request,
                "この定義の"
                + "・".join(f"「{names.get(i, i)}」" for i in dropped)
                + "は、あなたの権限では選べないため外しました。",
            )
    form = EucForm(
        data,
        layout=layout,
        file=file,
        kojin_bango=KENGEN_KOJIN_BANGO in grants,
    )
    context: dict[str, Any] = {"layout": layout, "file": file, "form": form, "teigi": teigi}
    if request.method == "POST" and form.is_valid() and form.checked is not None:
        checked = form.checked
        if request.POST.get("action") == "save":
            name = form.cleaned_data["teigi_name"]
            if not name:
                form.add_error("teigi_name", "保存する定義の名前を入力してください。")
            else:
                saved, created = EucTeigi.objects.update_or_create(
                    owner_id=_user_id(request) or 0,
                    name=name,
                    defaults={
                        "file": file.id,
                        "params": {
                            **checked.definition.to_params(),
                            "format": form.cleaned_data["format"],
                        },
                        "owner_name": request.user.get_username(),
                        "shared": form.cleaned_data["teigi_shared"],
                    },
                )
                verb = "保存しました" if created else "上書きしました"
                messages.success(request, f"抽出の定義「{saved.name}」を{verb}。")
                return redirect(f"{reverse('mio_euc_define', args=[file.id])}?teigi={saved.pk}")
        elif request.POST.get("action") == "start":
            try:
                job = job_start(
                    kind=EUC.code,
                    params={
                        **checked.definition.to_params(),
                        "format": form.cleaned_data["format"],
                    },
                    actor=actor_from_request(request),
                )
            except (JobRefused, ValueError) as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("mio_euc_result", pk=job.pk)
        else:
            rows, scanned, cut = preview(checked)
            context.update(
                preview=[[_shown(v) for v in row] for row in rows],
                headings=headings(checked),
                scanned=scanned,
                cut=cut,
            )
            access_note(
                request,
                count=len(rows),
                mynumber_viewed=any(i.source == "kojin_bango" for i in checked.columns)
                and bool(rows),
                detail={**checked.definition.described(), "rows": len(rows), "preview": True},
            )
    return TemplateResponse(request, "migration_io/euc/define.html", context)


def _own_job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(Job, pk=pk, kind=EUC.code, started_by_id=_user_id(request))


@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@logs_reads(Reads("mio_euc", action=AccessAction.SEARCH, screen="mio_euc", shown="refused"))
def euc_result(request: HttpRequest, pk: int) -> TemplateResponse:
    """The job's state, its items and row count, the download."""
    if KENGEN_EUC not in grants_of(_user_id(request)):
        return _refused(request)
    job = _own_job(request, pk)
    result = result_of(job) if job.is_finished else None
    names = {}
    if result is not None:
        layout = _layout()
        file = layout.file(result["file"])
        names = {i.id: i.name for i in file.items}
    return TemplateResponse(
        request,
        "migration_io/euc/result.html",
        {
            "job": job,
            "result": result,
            "item_names": [names.get(i, i) for i in (result or {}).get("items", [])],
            "file_name": names and _layout().file(result["file"]).name,  # type: ignore[index]
            "format_name": FORMATS.get((result or {}).get("format", ""), ""),
        },
    )


@gyomu_view(GYOMU, level=RoleLevel.READ, write_level=RoleLevel.READ)
@logs_reads(Reads("mio_euc", action=AccessAction.EXPORT, id_kwarg="pk", screen="mio_euc"))
def euc_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    if KENGEN_EUC not in grants_of(_user_id(request)):
        return _refused(request)
    job = _own_job(request, pk)
    result = result_of(job) if job.is_finished else None
    if result is None:
        raise Http404
    name = output_name(job)
    access_note(
        request,
        count=max(int(result["rows"]), 1),
        detail={"job": job.pk, "items": result["items"], "rows": result["rows"]},
    )
    if name.endswith(".xlsx"):
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        charset = "Shift_JIS" if result["format"] == "cp932" else "utf-8"
        content_type = f"text/csv; charset={charset}"
    response = FileResponse(
        default_storage.open(f"{euc_dir(job)}/{name}", "rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type,
    )
    response["Cache-Control"] = "no-store"
    return response
