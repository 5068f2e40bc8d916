"""Invite a person from the command line: the first administrator or SENCO of a new install.

    senco invite --school 123456 --role admin --email it@school.example --first-name Ada \\
        --last-name Admin

Prints the invitation link instead of emailing it, for an installation whose email may not be set
up yet: pass it on by hand. Everyone after the first is invited from the Invitations page.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.forms import ValidationError

from senco.accounts import services
from senco.accounts.models import Role
from senco.schools.models import School


class Command(BaseCommand):
    help = "Invite a person to a school with a role, and print their invitation link."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="The school's URN.")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--last-name", required=True)

    def handle(self, *args, **options):
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has the URN {options['school']!r}.")
        try:
            validate_email(options["email"])
        except ValidationError:
            raise CommandError(f"{options['email']!r} is not an email address.") from None
        with transaction.atomic():
            invitation = services.invite(
                None,
                school=school,
                role=options["role"],
                first_name=options["first_name"][:100],
                last_name=options["last_name"][:100],
                email=options["email"],
                send=False,
            )
            if invitation is None:
                self.stdout.write(f"{options['email']} already signs in: the role was added.")
                return
            token = services.new_token(invitation)
        self.stdout.write(
            f"Invitation for {invitation.user.username}, valid for "
            f"{settings.SENCO_INVITATION_DAYS} days:\n{services.invitation_link(token)}"
        )
