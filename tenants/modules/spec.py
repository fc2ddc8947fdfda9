"""What a business module (業務アプリ) declares about itself, in one place.

Each business app has a ``module.py`` holding ``MODULE = ModuleSpec(...)``. The platform
finds it (``tenants.modules.registry``) and from it alone composes the URLconfs, the
menus, the job kinds, the event subscriptions and declarations, the law-parameter files,
the printed-form templates, the demo data, the billing meters, the fine-grained grants
and the grants the test personas receive. Nothing outside the app's folder names it.

This file imports nothing from Django's models so that a ``module.py`` can be read while
the app registry is still loading.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The platform's own 業務 code: screens every member has (top page, jobs, access log).
PLATFORM = "platform"

# Module role levels (tenants.models.RoleLevel), repeated as ints so that this file stays
# free of model imports; tests assert they agree.
LEVEL_READ = 1
LEVEL_WRITE = 2
LEVEL_ADMIN = 3


@dataclass(frozen=True)
class UrlMount:
    """``urlconf`` is a dotted module path whose ``urlpatterns`` are mounted at ``prefix``,
    or ``"module:attribute"`` naming a list of patterns in that module."""

    prefix: str
    urlconf: str


@dataclass(frozen=True)
class MenuLink:
    """A link in the navigation, shown to users holding ``level`` in ``gyomu``."""

    label: str
    url_name: str
    gyomu: str
    level: int = LEVEL_READ


@dataclass(frozen=True)
class GrantDecl:
    """A fine-grained act a module separates from its role levels (標準仕様書's 権限の分離:
    本登録, 抑止の解除, 個人番号の表示 …). Codes are unique across modules."""

    code: str
    label: str
    gyomu: str


@dataclass(frozen=True)
class ApiScopeDecl:
    """A scope of a module's API beside ``<gyomu>:read``/``:write``, implied by neither:
    ``"<gyomu>:<action>"`` (e.g. ``juminkiroku:tagyo``, other systems registering their
    items in 住民記録). The town's API-key screen offers it in towns subscribing to
    ``gyomu``; the view that needs it checks ``ApiClient.has_scope(gyomu, action)``."""

    gyomu: str
    action: str
    label: str


@dataclass(frozen=True)
class ModuleSpec:
    """One business app's declaration. Every dotted path is imported by the platform on
    first use; an empty string means "none"."""

    app: str
    verbose_name: str
    # 業務 codes of the catalogue this app implements (wholly or with some screens).
    gyomu: tuple[str, ...]
    # 業務 code → URL name of its first screen, linked from the platform's module page.
    entries: Mapping[str, str] = field(default_factory=dict)
    # Staff screens and API on a town host (API mounted under /api/v1/<prefix>).
    urls: tuple[UrlMount, ...] = ()
    api_urls: tuple[UrlMount, ...] = ()
    # Screens and API on the consortium portal (API under /api/v1/portal/<prefix>).
    portal_urls: tuple[UrlMount, ...] = ()
    portal_api_urls: tuple[UrlMount, ...] = ()
    # Links beyond the module pages: in a town's navigation and on the portal's top page.
    menu: tuple[MenuLink, ...] = ()
    portal_menu: tuple[MenuLink, ...] = ()
    # Modules imported for their registrations (job kinds, subscribers, event
    # declarations, meters).
    jobkinds: str = ""
    subscribers: str = ""
    events: str = ""
    meters: str = ""
    # Folders inside the app: law-parameter YAML files, Typst form templates.
    params_dir: str = ""
    form_templates: str = ""
    # A management command of the app that loads its demo data (``make demo`` runs each
    # module's, in ``demo_order``); it must skip a town that already has data.
    demo: str = ""
    # Demo/test order: a module whose demo needs another's data comes later.
    demo_order: int = 100
    grants: tuple[GrantDecl, ...] = ()
    # 業務 (of ``gyomu``) whose API can answer with a 個人番号: only these offer the scope
    # "<code>:kojin_bango" on the town's API-key screen (tenants.models.apiclient).
    kojin_bango_api: tuple[str, ...] = ()
    # Test personas: which grants each persona role ("shinsa" 審査者, "admin" 管理者, "clerk"
    # 担当者, "viewer" 閲覧者) holds in a town that subscribes to this module.
    persona_grants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Words for the internal names this module writes into shared records (an access-log
    # screen or record type such as "zeimu.fuka_detail", a system actor such as
    # "load_residents"): identifier → what a clerk reads (tenants.labels.word_for).
    words: Mapping[str, str] = field(default_factory=dict)
    # 他業務の登録情報 (住民記録標準仕様書 7.2.2) this module holds: kind (tenants.tagyo,
    # e.g. "kokuho") → "pkg.mod:function", a ``(atena_ids) -> {atena_id: TagyoStatus}``
    # answered in the town's schema. 住民記録 asks it at display time in towns that
    # subscribe to one of this module's 業務 (tenants.tagyo.tagyo_lookup).
    tagyo_providers: Mapping[str, str] = field(default_factory=dict)
    # Premiums this module levies that another module's 特別徴収 judgment needs: kind
    # (tenants.nenkin_tokucho, e.g. "kaigo_hokenryo") → "pkg.mod:function", a
    # ``(fiscal_year, atena_ids) -> {atena_id: TokuchoHokenryo}`` answered in the town's
    # schema, asked in towns that subscribe to one of this module's 業務
    # (tenants.nenkin_tokucho.hokenryo_lookup).
    hokenryo_providers: Mapping[str, str] = field(default_factory=dict)
    # 連帯納付義務者 of a premium this module levies and the 収納 ledger collects: the
    # ledger's 税目 code (tenants.rentai, e.g. "koki") → "pkg.mod:function", a
    # ``(asks) -> {kibetsu_id: RentaiAnswer}`` answered in the town's schema, asked by the
    # ledger's 滞納 case view in towns that subscribe to one of this module's 業務
    # (tenants.rentai.rentai_lookup).
    rentai_providers: Mapping[str, str] = field(default_factory=dict)
    # Scopes of this module's API beyond read/write/kojin_bango (ApiScopeDecl).
    api_scopes: tuple[ApiScopeDecl, ...] = ()
