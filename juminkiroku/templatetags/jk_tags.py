"""Template helpers of the 住民記録 screens."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def jk_key(*parts: Any) -> str:
    """Join parts into a form-field name: ``{% jk_key "m" m.pk "-" f.name %}`` → "m12-jusho"."""
    return "".join(str(p) for p in parts)


@register.simple_tag
def jk_value(values: dict[str, Any], *parts: Any) -> Any:
    return values.get("".join(str(p) for p in parts), "")


# The 住民記録 sub-menu: (label, path, access key). Each link is shown only when its
# screen would open for this user in this town, decided as the module gate decides it
# (the view's declared 業務 subscribed and the user's level enough for GET), so no menu
# link answers 404 or 403 (学齢簿, 選挙人名簿 and 印鑑登録 are 業務 of their own).
SUBNAV = [
    ("住民検索", "/juminkiroku/", "s"),
    ("異動入力", "/juminkiroku/ido/new/", "i"),
    ("異動一覧・審査", "/juminkiroku/ido/", "q"),
    ("抑止・支援措置", "/juminkiroku/yokushi/", ""),
    ("証明書発行", "/juminkiroku/shomei/", "p"),
    ("交付履歴", "/juminkiroku/kofu/", ""),
    ("転入通知未着", "/juminkiroku/tenshutsu/mitchaku/", ""),
    ("入管通知・市町村通知", "/juminkiroku/nyukan/", ""),
    ("印鑑登録", "/juminkiroku/inkan/", ""),
    ("選挙人名簿", "/juminkiroku/senkyo/", ""),
    ("学齢簿", "/juminkiroku/gakurei/", ""),
    ("人口統計", "/juminkiroku/tokei/", ""),
    ("人口動態", "/juminkiroku/tokei/dotai/", ""),
    ("無作為抽出", "/juminkiroku/chushutsu/", ""),
    ("住所辞書", "/juminkiroku/jisho/", ""),
    ("公印・認証者", "/juminkiroku/koin/", ""),
    ("アクセスログ帳票", "/juminkiroku/reports/", ""),
    ("ID別ログイン数", "/juminkiroku/reports/logins/", ""),
]


@register.simple_tag(takes_context=True)
def jk_subnav(context: template.Context) -> list[dict[str, str]]:
    from tenants.templatetags.ui import open_links

    # the platform's rule for every module's sub-menu; the access keys are 住民記録's own
    keys = {path: key for _, path, key in SUBNAV}
    pairs = [item for label, path, _ in SUBNAV for item in (label, path)]
    return [{**link, "accesskey": keys[link["url"]]} for link in open_links(context, *pairs)]


@register.filter
def jk_birth(person: Any) -> str:
    """生年月日 as 標準仕様書 1.1.9 shows it: 西暦 for a foreign resident, else 和暦."""
    from juminkiroku.forms.shomei import birth_date_text

    return birth_date_text(person) if getattr(person, "birth_date", None) else ""


@register.filter
def jk_seireki(value: Any) -> str:
    """A date in 西暦 (a foreign resident's 在留期間の満了日, 標準仕様書 1.1.9)."""
    from juminkiroku.forms.shomei import seireki

    return seireki(value) if value else ""
