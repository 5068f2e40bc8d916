import secrets
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from senco.accounts.models import User
from senco.demo import builder


class Command(BaseCommand):
    help = "Build (or rebuild) the demo trust and school, with the personas' accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default="", help="For every account (random if not given)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed builds the same school."
        )
        parser.add_argument("--schools", type=int, default=1)
        parser.add_argument(
            "--pupils", type=int, default=420, help="Pupils on roll in the first school."
        )
        parser.add_argument("--other-pupils", type=int, default=None, help="In each other school.")
        parser.add_argument("--years", type=int, default=5, help="Years of history.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Only when the database has no users yet."
        )

    def handle(self, *args, **opts):
        for name, low, high in [("schools", 1, 500), ("pupils", 14, 5000), ("years", 1, 10)]:
            if not low <= opts[name] <= high:
                raise CommandError(f"--{name} must be between {low} and {high}.")
        call_command("migrate", verbosity=0, interactive=False)
        if opts["if_empty"] and User.objects.exists():
            self.stdout.write("The database already has users: the demo was left as it is.")
            return
        password = opts["password"] or secrets.token_urlsafe(9)
        started = time.monotonic()
        built = builder.build(
            builder.Options(
                schools=opts["schools"],
                pupils=opts["pupils"],
                other_pupils=opts["other_pupils"],
                years=opts["years"],
                seed=opts["seed"],
                password=password,
            )
        )
        seconds = time.monotonic() - started
        pupils = sum(s.pupils.filter(left_on__isnull=True).count() for s in built.schools)
        self.stdout.write(
            f"Built the demo: {len(built.schools)} school(s), {pupils} pupils on roll, "
            f"in {seconds:.1f} s."
        )
        self.stdout.write(f"Open {settings.SITE_URL}/ and sign in as one of:")
        for username in built.users:
            self.stdout.write(f"  {username}")
        self.stdout.write(f"Password for every account: {password}")
