"""負担金's declaration to the platform (see tenants.modules.spec).

Billing implements no 業務 of the catalogue: it is the consortium office's tool, with a
member's own statements on its town host for the town administrator (platform 管理).
"""

from tenants.modules.spec import LEVEL_ADMIN, PLATFORM, MenuLink, ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="billing",
    verbose_name="負担金",
    gyomu=(),
    urls=(UrlMount("billing/", "billing.urls:member_urlpatterns"),),
    api_urls=(UrlMount("billing/", "billing.api.urls:member_urlpatterns"),),
    portal_urls=(UrlMount("billing/", "billing.urls:portal_urlpatterns"),),
    portal_api_urls=(UrlMount("billing/", "billing.api.urls:portal_urlpatterns"),),
    menu=(MenuLink("負担金", "my_statements", PLATFORM, LEVEL_ADMIN),),
    portal_menu=(MenuLink("負担金", "billing_home", PLATFORM),),
    demo="load_billing_demo",
    demo_order=5,
)
