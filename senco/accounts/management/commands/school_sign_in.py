"""Switch sign-in with Microsoft 365 or Google Workspace (OpenID Connect) on or off for a school.

    senco school_sign_in on --school 123456 --name "Microsoft 365" \\
        --server-url https://login.microsoftonline.com/TENANT/v2.0 --client-id ID
    senco school_sign_in off --school 123456
    senco school_sign_in list

The client secret is read from the SENCO_OIDC_SECRET environment variable, never from the
command line, where other users of the server could see it.
"""

import os
import re
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from senco.audit import log
from senco.schools.models import School

PROVIDER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class Command(BaseCommand):
    help = "Switch sign-in with the school's Microsoft 365 or Google Workspace on or off."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        on = sub.add_parser("on", help="Switch it on (or change it) for a school.")
        on.add_argument("--school", required=True, help="The school's URN.")
        on.add_argument("--name", required=True, help='Shown on the button: "Microsoft 365".')
        on.add_argument("--server-url", required=True, help="The provider's issuer address.")
        on.add_argument("--client-id", required=True)
        on.add_argument(
            "--provider-id",
            help="A short name for the provider in addresses (default: from --name).",
        )
        on.add_argument(
            "--trust-emails",
            action="store_true",
            help="Treat the provider's email addresses as verified even when it does not say so "
            "(Microsoft Entra ID does not): only with an issuer address for your own tenant.",
        )
        off = sub.add_parser("off", help="Switch it off for a school.")
        off.add_argument("--school", required=True, help="The school's URN.")
        sub.add_parser("list", help="Which schools use which provider.")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            for school in School.objects.exclude(sign_in_provider="").order_by("urn"):
                self.stdout.write(f"{school.urn} {school.name}: {school.sign_in_provider}")
            return
        school = self._school(options["school"])
        if action == "off":
            provider_id = school.sign_in_provider
            self._set(school, "")
            if provider_id and not School.objects.filter(sign_in_provider=provider_id).exists():
                SocialApp.objects.filter(provider_id=provider_id).delete()  # its button too
            self.stdout.write(f"{school.name}: sign-in with a school account is off.")
            return
        app = self._app(options, school)
        self._set(school, app.provider_id)
        self.stdout.write(f"{school.name}: staff may sign in with {app.name}.")

    def _school(self, urn: str) -> School:
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise CommandError(f"No school has the URN {urn!r}: `senco school_sign_in list`.")
        return school

    def _app(self, options, school: School) -> SocialApp:
        secret = os.environ.get("SENCO_OIDC_SECRET", "")
        if not secret:
            raise CommandError("Set SENCO_OIDC_SECRET to the client secret the provider gave.")
        url = options["server_url"].rstrip("/")
        parts = urlsplit(url)
        if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost"):
            raise CommandError(f"--server-url {url!r} must be an https:// address.")
        provider_id = options["provider_id"] or re.sub(r"[^a-z0-9]+", "-", options["name"].lower())
        provider_id = provider_id.strip("-")
        if not PROVIDER_ID.match(provider_id):
            raise CommandError(f"--provider-id {provider_id!r}: use letters, digits and -.")
        existing = SocialApp.objects.filter(provider_id=provider_id).first()
        sharing = School.objects.filter(sign_in_provider=provider_id).exclude(pk=school.pk)
        if (
            existing
            and sharing.exists()
            and (
                existing.settings.get("server_url") != url
                or existing.client_id != options["client_id"]
            )
        ):
            raise CommandError(
                f"--provider-id {provider_id!r} is used by {sharing[0].name} with another "
                "tenant or app: give this school its own --provider-id."
            )
        app, _ = SocialApp.objects.update_or_create(
            provider="openid_connect",
            provider_id=provider_id,
            defaults={
                "name": options["name"][:40],
                "client_id": options["client_id"],
                "secret": secret,
                "settings": {
                    "server_url": url,
                    "oauth_pkce_enabled": True,
                    "senco_trust_emails": options["trust_emails"],
                },
            },
        )
        return app

    @transaction.atomic
    def _set(self, school: School, provider_id: str) -> None:
        before = school.sign_in_provider
        school.sign_in_provider = provider_id
        school.save(update_fields=["sign_in_provider"])
        log.change(
            None,
            "school.sign_in_changed",
            school,
            before={"sign_in_provider": before},
            after={"sign_in_provider": provider_id},
        )
