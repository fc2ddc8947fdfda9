"""Demo set-up of 住民記録 for every demo town.

A fictitious 認証者 and a drawn 公印 (標準仕様書 5.6) where none is set; every 住民記録
grant for the town administrator (``<town>-staff`` enters 異動, ``<town>-admin`` reviews
them); then each town's registry
is filled at its real population unless it has one."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from juminkiroku.codes import KoinKind
from juminkiroku.grants import Kengen
from juminkiroku.models import Koin
from juminkiroku.services.koin import koin_register
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.grants.services import grant_give
from tenants.models import Municipality, StaffUser
from tenants.params.tenant.models import MunicipalParameter

NINSHOSHA = "juminkiroku.ninshosha"


def _demo_seal() -> bytes:
    """A plain square seal drawn for the demo (a double frame and a grid): no real seal."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (200, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((6, 6, 193, 193), outline="black", width=10)
    draw.rectangle((24, 24, 175, 175), outline="black", width=4)
    for x in (75, 125):
        draw.line((x, 30, x, 170), fill="black", width=6)
    draw.line((30, 100, 170, 100), fill="black", width=6)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


class Command(BaseCommand):
    help = "住民記録のデモ設定（審査者の権限付与と住民データの生成）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-residents", action="store_true", help="住民データを生成しない")

    def handle(self, *args: Any, **options: Any) -> None:
        setup = Actor(user_id=None, username="demo-setup")
        for town in Municipality.objects.exclude(schema_name="public").order_by("dantai_code"):
            domain = town.domains.first()
            slug = domain.domain.split(".")[0] if domain else ""
            admin = StaffUser.objects.filter(username=f"{slug}-admin").first()
            if admin is None:
                continue
            connection.set_tenant(town)
            for code in Kengen.values:
                grant_give(user_id=admin.pk, code=code, actor=setup)
            if (
                not town.mayor_name
                and not MunicipalParameter.objects.filter(key=NINSHOSHA).exists()
            ):
                # A fictitious 認証者 so the demo can print certificates.
                MunicipalParameter.objects.create(
                    key=NINSHOSHA,
                    fiscal_year_from=2000,
                    value={"shimei": "見本　太郎"},
                    source="デモ用の架空の町長名",
                    created_by="demo-setup",
                )
            if not Koin.objects.exists():
                koin_register(
                    kind=KoinKind.CHOCHO,
                    image_png=_demo_seal(),
                    valid_from=date(2000, 1, 1),
                    mongon="この印は黒色です",
                    actor=setup,
                )
            connection.set_schema_to_public()
        if not options["no_residents"]:
            call_command("load_residents", all_demo=True, if_empty=True)
