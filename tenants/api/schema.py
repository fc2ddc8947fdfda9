"""drf-spectacular description of our API key authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.api.authentication.ApiClientAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "連携システム用APIキー（jc_<識別子>.<秘密>）。"
                "団体ごとに発行し、その団体のホストでのみ有効。"
            ),
        }
