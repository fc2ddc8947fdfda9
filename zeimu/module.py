"""税務's declaration to the platform (see tenants.modules.spec)."""

from tenants.modules.spec import ModuleSpec, UrlMount
from zeimu import gyomu

MODULE = ModuleSpec(
    app="zeimu",
    verbose_name="税務",
    gyomu=gyomu.ALL,
    entries={gyomu.KOJIN_JUMINZEI: f"gyomu_entry_{gyomu.KOJIN_JUMINZEI}"},
    urls=(UrlMount("zeimu/", "zeimu.urls"),),
    api_urls=(UrlMount("zeimu/", "zeimu.api.urls"),),
    jobkinds="zeimu.jobkinds",
    params_dir="params",
    meters="zeimu.meters",
    form_templates="forms/templates",
    demo="zeimu_demo",
    demo_order=20,
)
