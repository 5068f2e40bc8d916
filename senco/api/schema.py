"""How the schema describes the API's authentication (loaded by ApiConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "senco.api.auth.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token made at /api/tokens/ (after signing in again).",
        }


def closed_request_bodies(result, generator, request, public):
    """Say in the schema what the serializers do: a request body with a key they do not know is
    refused (StrictSerializer)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            component["additionalProperties"] = False
    return result
