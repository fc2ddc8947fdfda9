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
    ("戸籍附票連携", "/juminkiroku/fuhyo/", ""),
    ("他業務連携", "/juminkiroku/tagyo/torikomi/", ""),
    ("印鑑登録", "/juminkiroku/inkan/", ""),
    ("通知書", "/juminkiroku/tsuchi/", ""),
    ("閲覧", "/juminkiroku/etsuran/", ""),
    ("選挙人名簿", "/juminkiroku/senkyo/", ""),
    ("学齢簿", "/juminkiroku/gakurei/", ""),
    ("人口統計", "/juminkiroku/tokei/", ""),
    ("人口動態", "/juminkiroku/tokei/dotai/", ""),
    ("無作為抽出", "/juminkiroku/chushutsu/", ""),
    ("EUC抽出", "/juminkiroku/euc/", ""),
    ("住所辞書", "/juminkiroku/jisho/", ""),
    ("公印・認証者", "/juminkiroku/koin/", ""),
    ("文字コード照会", "/juminkiroku/moji/", ""),
    ("アクセスログ帳票", "/juminkiroku/reports/", ""),
    ("ID別ログイン数", "/juminkiroku/reports/logins/", ""),
    ("除票用データベース", "/juminkiroku/johyo/", ""),
]


@register.simple_tag(takes_context=True)
def jk_subnav(context: template.Context) -> list[dict[str, str]]:
    from tenants.templatetags.ui import open_links

    # the platform's rule for every module's sub-menu; the access keys are 住民記録's own
    keys = {path: key for _, path, key in SUBNAV}
    pairs = [item for label, path, _ in SUBNAV for item in (label, path)]
    links = [{**link, "accesskey": keys[link["url"]]} for link in open_links(context, *pairs)]
    return [link for link in links if link["url"] != EUC_PATH or _may_euc(context)]


EUC_PATH = "/juminkiroku/euc/"


def _may_euc(context: template.Context) -> bool:
    """EUC抽出 is offered only to the holders of its grant (10.1, 10.3)."""
    from juminkiroku.grants import Kengen
    from tenants.grants.selectors import grants_of

    user = getattr(context.get("request"), "user", None)
    return Kengen.EUC in grants_of(getattr(user, "pk", None))


@register.simple_tag(takes_context=True)
def jk_help_url(context: template.Context) -> str:
    """The help of this screen (標準仕様書 10.5), by its URL name; else the help index."""
    from django.urls import NoReverseMatch, reverse

    from juminkiroku.help import topic_for_screen

    match = getattr(context.get("request"), "resolver_match", None)
    name = getattr(match, "url_name", None) or ""
    try:
        if name and topic_for_screen(name) is not None:
            return reverse("jk_help_screen", args=[name])
        return reverse("jk_help")
    except NoReverseMatch:  # pragma: no cover - only without the 住民記録 URLs
        return ""


@register.filter
def jk_birth(person: Any) -> str:
    """生年月日 as 標準仕様書 1.1.8/1.1.9 show it: a 不詳日 as entered, 西暦 for a foreign
    resident, else 和暦 (juminkiroku.rules.fusho.display_date)."""
    from juminkiroku.rules.fusho import display_date

    return display_date(person, "birth_date") if getattr(person, "birth_date", None) else ""


@register.filter
def jk_seireki(value: Any) -> str:
    """A date in 西暦 (a foreign resident's 在留期間の満了日, 標準仕様書 1.1.9)."""
    from juminkiroku.forms.shomei import seireki

    return seireki(value) if value else ""


@register.filter
def jk_date(person: Any, field: str) -> str:
    """A date of a person as the standard writes it (1.1.8 不詳日, 1.1.9 和暦/西暦):
    ``{{ p|jk_date:"birth_date" }}`` (juminkiroku.rules.fusho.display_date)."""
    from juminkiroku.rules.fusho import display_date

    return display_date(person, field)
