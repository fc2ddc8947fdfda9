"""住民記録's declaration to the platform (see tenants.modules.spec)."""

from juminkiroku import gyomu
from juminkiroku.models.kengen import Kengen
from tenants.modules.spec import GrantDecl, ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="juminkiroku",
    verbose_name="住民記録",
    gyomu=gyomu.ALL,
    entries={code: f"gyomu_entry_{code}" for code in gyomu.ALL},
    urls=(UrlMount("juminkiroku/", "juminkiroku.urls"),),
    api_urls=(UrlMount("juminkiroku/", "juminkiroku.api.urls"),),
    subscribers="juminkiroku.subscribers",
    meters="juminkiroku.meters",
    demo="juminkiroku_demo",
    demo_order=10,
    grants=tuple(GrantDecl(k.value, str(k.label), gyomu.JUMINKIROKU) for k in Kengen),
    persona_grants={
        "shinsa": tuple(k.value for k in Kengen),
        "admin": tuple(k.value for k in Kengen),
    },
)
