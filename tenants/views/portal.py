"""The consortium office's portal on the public host: members, subscriptions,
provisioning. An office user sees the members of its own consortium only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tenants.access import portal_view
from tenants.forms.text import TextField
from tenants.forms.wareki import WarekiDateField
from tenants.models import Gyomu, Membership, Municipality, NetworkRange, StaffUser
from tenants.models.network import NetworkKind
from tenants.services.municipality import municipality_provision
from tenants.services.network import network_range_add, network_range_remove
from tenants.services.staff import SupportGrantError, support_membership_grant
from tenants.text import NoControlCharacters


def _office(request: HttpRequest) -> StaffUser:
    user = request.user
    assert isinstance(user, StaffUser)
    return user


@portal_view()
def portal_home(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    month = timezone.localdate().replace(day=1)
    members = (
        Municipality.objects.filter(consortium_id=user.consortium_office_id)
        .select_related("consortium")
        .annotate(
            module_count=Count(
                "subscriptions",
                filter=Q(subscriptions__start_month__lte=month)
                & (
                    Q(subscriptions__end_month__isnull=True)
                    | Q(subscriptions__end_month__gte=month)
                ),
            )
        )
        .prefetch_related("domains")
        .order_by("dantai_code")
    )
    total_population = sum(m.population for m in members)
    return render(
        request,
        "portal/home.html",
        {
            "members": members,
            "total_population": total_population,
            "consortium": user.consortium_office,
        },
    )


class NetworkForm(forms.Form):
    cidr = TextField(label="CIDR（例: 10.1.0.0/16）", max_length=64)
    kind = forms.ChoiceField(label="回線種別", choices=NetworkKind.choices)
    label = TextField(label="名称", max_length=100, required=False)


@portal_view()
@require_http_methods(["GET", "POST"])
def portal_member(request: HttpRequest, dantai_code: str) -> HttpResponse:
    user = _office(request)
    member = get_object_or_404(
        Municipality, dantai_code=dantai_code, consortium_id=user.consortium_office_id
    )
    form = NetworkForm()
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                row = get_object_or_404(
                    NetworkRange, pk=request.POST.get("remove"), municipality=member
                )
                network_range_remove(network_range=row, acting_user=user)
                messages.success(request, f"{row.cidr} を削除しました。")
            else:
                form = NetworkForm(request.POST)
                if form.is_valid():
                    network_range_add(
                        municipality=member,
                        cidr=form.cleaned_data["cidr"],
                        kind=form.cleaned_data["kind"],
                        label=form.cleaned_data["label"],
                        acting_user=user,
                    )
                    messages.success(request, "接続元を追加しました。")
                    form = NetworkForm()
        except ValueError as exc:
            form.add_error(None, str(exc))
    subscriptions = member.subscriptions.select_related("gyomu").order_by("gyomu__sort")
    return render(
        request,
        "portal/member.html",
        {
            "member": member,
            "subscriptions": subscriptions,
            "networks": member.network_ranges.order_by("cidr"),
            "form": form,
        },
    )


class ProvisionForm(forms.Form):
    dantai_code = forms.RegexField(
        label="全国地方公共団体コード",
        regex=r"^\d{6}$",
        validators=[NoControlCharacters(label="全国地方公共団体コード")],
        error_messages={"invalid": "6桁の数字で入力してください。"},
    )
    name = TextField(label="団体名", max_length=50)
    name_kana = TextField(label="団体名（かな）", max_length=100)
    prefecture = TextField(label="都道府県", max_length=10)
    population = forms.IntegerField(label="人口（公表値）", min_value=0)
    population_date = WarekiDateField(label="人口基準日", required=False)
    go_live = WarekiDateField(label="稼働時期（月の初日）", required=False)
    subdomain = TextField(label="サブドメイン（半角英数字）", max_length=40)
    gyomu = forms.ModelMultipleChoiceField(
        label="利用業務",
        queryset=Gyomu.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    networks = TextField(
        multiline=True,
        label="接続元ネットワーク（CIDR、1行に1つ）",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    admin_username = TextField(label="初期管理者のユーザーID", max_length=150)


@portal_view()
@require_http_methods(["GET", "POST"])
def portal_provision(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    form = ProvisionForm(request.POST or None, initial={"prefecture": "神奈川県"})
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = municipality_provision(
                consortium=user.consortium_office,  # type: ignore[arg-type]
                dantai_code=data["dantai_code"],
                name=data["name"],
                name_kana=data["name_kana"],
                prefecture=data["prefecture"],
                population=data["population"],
                population_date=data["population_date"],
                go_live=data["go_live"],
                subdomain=data["subdomain"],
                gyomu_codes=[g.code for g in data["gyomu"]],
                networks=[line for line in data["networks"].splitlines() if line.strip()],
                admin_username=data["admin_username"],
                acting_user=user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        except ValueError as exc:
            form.add_error("networks", str(exc))
        else:
            messages.success(
                request,
                f"{result.municipality.name}を登録しました（{result.seconds:.2f}秒）。",
            )
    return render(request, "portal/provision.html", {"form": form, "result": result})


class SupportForm(forms.Form):
    username = TextField(label="応援する職員のユーザーID", max_length=150)
    municipality = forms.ModelChoiceField(
        label="応援先の団体", queryset=Municipality.objects.none(), to_field_name="dantai_code"
    )
    gyomu = forms.ModelMultipleChoiceField(
        label="担当する業務",
        queryset=Gyomu.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    valid_until = WarekiDateField(label="有効期限（この日の終わりまで）")
    reason = TextField(label="理由", max_length=200)

    def __init__(self, *args: object, consortium_id: int | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Municipality.objects.filter(consortium_id=consortium_id)


@portal_view()
@require_http_methods(["GET", "POST"])
def portal_support(request: HttpRequest) -> HttpResponse:
    """応援職員: grant staff of one member town a time-limited membership in another."""
    from datetime import datetime, time, timedelta

    user = _office(request)
    form = SupportForm(request.POST or None, consortium_id=user.consortium_office_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        helper = StaffUser.objects.filter(username=data["username"]).first()
        if helper is None:
            form.add_error("username", "この職員は登録されていません。")
        else:
            end = timezone.make_aware(datetime.combine(data["valid_until"], time.min)) + timedelta(
                days=1
            )
            try:
                support_membership_grant(
                    user=helper,
                    municipality=data["municipality"],
                    gyomu_codes=[g.code for g in data["gyomu"]],
                    valid_until=end,
                    reason=data["reason"],
                    acting_user=user,
                )
            except SupportGrantError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, f"{helper}を{data['municipality'].name}の応援職員として登録しました。"
                )
                form = SupportForm(consortium_id=user.consortium_office_id)
    memberships = (
        Membership.objects.filter(is_support=True, municipality__consortium=user.consortium_office)
        .select_related("user", "user__home_municipality", "municipality")
        .order_by("-valid_until")
    )
    return render(
        request,
        "portal/support.html",
        {"form": form, "memberships": memberships, "now": timezone.now()},
    )


@portal_view()
@require_http_methods(["GET", "POST"])
def portal_backup(request: HttpRequest, dantai_code: str) -> HttpResponse:
    """A member's backups (世代): take one now, or run a 復元訓練 of the newest one
    (restored into a scratch schema, verified, dropped). Each run writes the town's
    access log under the office user's name."""
    from datetime import datetime

    from django.shortcuts import redirect

    from tenants.backup.manifest import BackupError
    from tenants.backup.services import drill_read
    from tenants.backup.store import backup_root, generations, second_root
    from tenants.backup.tasks import town_backup_now, town_restore_drill_task

    user = _office(request)
    member = get_object_or_404(
        Municipality, dantai_code=dantai_code, consortium_id=user.consortium_office_id
    )
    found = generations(backup_root(), member.schema_name)
    if request.method == "POST":
        action = request.POST.get("action")
        headers = {"_schema_name": member.schema_name}
        args = [user.pk, user.get_username()]
        try:
            if action == "backup":
                town_backup_now.apply_async(args=args, headers=headers)
                messages.success(request, "バックアップを実行しました。")
            elif action == "drill":
                if not found:
                    raise BackupError(
                        "バックアップがまだありません。先にバックアップを取得してください。"
                    )
                result = town_restore_drill_task.apply_async(args=args, headers=headers)
                if not result.ready():
                    messages.success(request, "復元訓練を開始しました。結果は世代の一覧に出ます。")
                elif result.get() != "ok":
                    raise BackupError(f"復元訓練で違いがありました: {result.get()}")
                else:
                    messages.success(request, "復元訓練を実行しました。")
            else:
                raise BackupError("操作を選んでください。")
        except BackupError as exc:
            messages.error(request, str(exc))
        return redirect("portal_backup", dantai_code=member.dantai_code)
    second = second_root()
    rows: list[dict[str, object]] = []
    for g in found:
        try:
            m = g.manifest()
        except BackupError as exc:
            rows.append({"stamp": g.stamp, "error": str(exc)})
            continue
        drill = drill_read(g.path)
        rows.append(
            {
                "taken_at": datetime.fromisoformat(m.taken_at),
                "tables": len(m.tables),
                "rows": m.total_rows,
                "files": len(m.files),
                "mib": m.total_bytes / 2**20,
                "second": second is not None and (second / member.schema_name / g.stamp).is_dir(),
                "drill_at": datetime.fromisoformat(str(drill["at"])) if drill else None,
                "drill_ok": bool(drill and drill["ok"]),
            }
        )
    return render(
        request,
        "portal/backup.html",
        {"member": member, "rows": rows, "second_configured": second is not None},
    )
