"""Loads the demo consortium: 神奈川県町村情報システム共同事業組合 and its 14 towns
(populations from seed 003, go-live months from seed 000), an office user, and an
administrator and a clerk per town. Idempotent: towns already there are kept."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from tenants.models import (
    Consortium,
    Gyomu,
    GyomuCategory,
    Membership,
    Municipality,
    RoleLevel,
    StaffUser,
)
from tenants.models.consortium import ConsortiumKind
from tenants.services.catalogue import catalogue_load
from tenants.services.municipality import municipality_provision
from tenants.services.staff import membership_grant, staff_create

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "kanagawa_demo.json"
DEMO_PASSWORD = "demo-pass-2026"
DEMO_NETWORKS = ["127.0.0.0/8", "::1/128"]


def demo_totp_secret(username: str) -> str:
    """Deterministic per user, so the demo's README can say how to get a code."""
    return base64.b32encode(hashlib.sha256(f"demo:{username}".encode()).digest()[:20]).decode()


class Command(BaseCommand):
    help = "デモデータ（神奈川県町村情報システム共同事業組合と14町村）を登録する"

    def handle(self, *args: object, **options: object) -> None:
        catalogue_load()
        call_command("load_law_parameters", verbosity=0)
        doc = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        kind = {c.label: c.value for c in ConsortiumKind}[doc["consortium"]["kind"]]
        consortium, _ = Consortium.objects.get_or_create(
            name=doc["consortium"]["name"], defaults={"kind": kind}
        )
        office = StaffUser.objects.filter(username="office").first()
        if office is None:
            office, _, _ = staff_create(
                username="office",
                display_name="組合事務局 担当",
                consortium_office=consortium,
                password=DEMO_PASSWORD,
                totp_secret=demo_totp_secret("office"),
                acting_user=None,
            )
        for member in doc["members"]:
            if Municipality.objects.filter(dantai_code=member["dantai_code"]).exists():
                continue
            slug = member["subdomain"]
            go_live = (
                date.fromisoformat(f"{member['go_live']}-01") if member.get("go_live") else None
            )
            result = municipality_provision(
                consortium=consortium,
                dantai_code=member["dantai_code"],
                name=member["name"],
                name_kana=member["kana"],
                prefecture=member["prefecture"],
                population=member["population"],
                population_date=None,
                population_source=member.get("population_source", "")[:200],
                go_live=go_live,
                subdomain=slug,
                gyomu_codes=member["modules"],
                networks=DEMO_NETWORKS,
                admin_username=None,
                acting_user=office,
                status="active",
            )
            town = result.municipality
            admin, _, _ = staff_create(
                username=f"{slug}-admin",
                display_name=f"{town.name} 情報担当",
                home_municipality=town,
                password=DEMO_PASSWORD,
                totp_secret=demo_totp_secret(f"{slug}-admin"),
                acting_user=office,
            )
            membership_grant(
                user=admin,
                municipality=town,
                roles={code: RoleLevel.ADMIN for code in member["modules"]},
                is_tenant_admin=True,
                reason="デモ: 団体管理者",
                acting_user=office,
            )
            clerk, _, _ = staff_create(
                username=f"{slug}-staff",
                display_name=f"{town.name} 担当者",
                home_municipality=town,
                password=DEMO_PASSWORD,
                totp_secret=demo_totp_secret(f"{slug}-staff"),
                acting_user=office,
            )
            membership_grant(
                user=clerk,
                municipality=town,
                roles={code: RoleLevel.WRITE for code in member["modules"]},
                reason="デモ: 担当者",
                acting_user=office,
            )
            self.stdout.write(f"  {town.name}: {result.seconds:.2f}秒")
        # 災害時の応援職員: 真鶴町の担当者が湯河原町を30日間支援する。
        helper = StaffUser.objects.filter(username="manazuru-staff").first()
        stricken = Municipality.objects.filter(dantai_code="143847").first()
        if (
            helper
            and stricken
            and not Membership.objects.filter(user=helper, municipality=stricken).exists()
        ):
            membership_grant(
                user=helper,
                municipality=stricken,
                # the 住民情報 modules built so far (the catalogue says which)
                roles={
                    code: RoleLevel.WRITE
                    for code in Gyomu.objects.filter(
                        category=GyomuCategory.JUMIN, implemented=True
                    ).values_list("code", flat=True)
                },
                valid_until=timezone.now() + timedelta(days=30),
                is_support=True,
                reason="デモ: 災害時の応援職員（真鶴町から湯河原町へ）",
                acting_user=office,
            )
        port = os.environ.get("PORT", "8000")
        base = settings.JC_BASE_DOMAIN
        self.stdout.write("")
        self.stdout.write(f"ポータル: http://{base}:{port}/  （ユーザー office）")
        self.stdout.write(
            f"葉山町:   http://hayama.{base}:{port}/  （hayama-staff / hayama-admin）"
        )
        self.stdout.write(f"パスワードはすべて {DEMO_PASSWORD}")
        self.stdout.write(
            "確認コード: .venv/bin/python manage.py totp_now <ユーザーID>  "
            "（シークレットは docs/demo.md の方法で認証アプリにも登録できます）"
        )
