"""福祉・子ども's declaration to the platform (see tenants.modules.spec)."""

from fukushi import gyomu
from tenants.modules.spec import ModuleSpec, UrlMount

MODULE = ModuleSpec(
    app="fukushi",
    verbose_name="福祉・子ども",
    gyomu=gyomu.ALL,
    # each 業務's first screen (fukushi/urls.py: gyomu_entry_<code>)
    entries={},
    urls=(UrlMount("fukushi/", "fukushi.urls"),),
    api_urls=(UrlMount("fukushi/", "fukushi.api.urls"),),
    params_dir="params",
    form_templates="forms/templates",
    # after 住民記録 (its residents) and 税務 (the 所得 the allowances read)
    demo_order=50,
    subscribers="fukushi.subscribers",
    words={},
)
