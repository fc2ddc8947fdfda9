from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Consortium
from tenants.services.municipality import municipality_provision


class Command(BaseCommand):
    help = "構成団体を登録する（スキーマ・ホスト名・利用業務・接続元・初期管理者）"

    def add_arguments(self, parser):
        parser.add_argument("--consortium", required=True, help="共同利用団体名")
        parser.add_argument("--code", required=True, help="全国地方公共団体コード（6桁）")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kana", required=True)
        parser.add_argument("--prefecture", required=True)
        parser.add_argument("--population", type=int, required=True)
        parser.add_argument("--go-live", help="稼働月 YYYY-MM")
        parser.add_argument("--subdomain", required=True)
        parser.add_argument("--gyomu", default="", help="業務コードをカンマ区切りで")
        parser.add_argument("--network", action="append", default=[], help="接続元CIDR（複数可）")
        parser.add_argument("--admin", help="初期管理者のユーザーID")

    def handle(self, *args: object, **o: object) -> None:
        consortium = Consortium.objects.filter(name=o["consortium"]).first()
        if consortium is None:
            raise CommandError(f"共同利用団体「{o['consortium']}」が見つかりません。")
        go_live = date.fromisoformat(f"{o['go_live']}-01") if o["go_live"] else None
        try:
            result = municipality_provision(
                consortium=consortium,
                dantai_code=str(o["code"]),
                name=str(o["name"]),
                name_kana=str(o["kana"]),
                prefecture=str(o["prefecture"]),
                population=int(o["population"]),  # type: ignore[call-overload]
                population_date=None,
                go_live=go_live,
                subdomain=str(o["subdomain"]),
                gyomu_codes=[c for c in str(o["gyomu"]).split(",") if c],
                networks=list(o["network"]),  # type: ignore[call-overload]
                admin_username=str(o["admin"]) if o["admin"] else None,
                acting_user=None,
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.municipality.name}（スキーマ {result.municipality.schema_name}）を"
            f"{result.seconds:.2f}秒で登録しました。"
        )
        if result.admin:
            self.stdout.write(
                f"初期管理者 {result.admin.username} / パスワード {result.admin_password} / "
                f"TOTPシークレット {result.totp_secret}"
            )
