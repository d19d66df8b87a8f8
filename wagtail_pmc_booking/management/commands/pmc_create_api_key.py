"""Issue an API key from the shell; the key is printed once and stored only as a hash."""

from django.core.management.base import BaseCommand, CommandError

from wagtail_pmc_booking.models import ApiKey
from wagtail_pmc_booking.models.api_keys import KeyMode, Scope


def parse_scopes(text):
    scopes = [s.strip() for s in text.split(",") if s.strip()]
    unknown = sorted(set(scopes) - set(Scope.values))
    if not scopes or unknown:
        raise CommandError(
            f"Unknown scopes: {', '.join(unknown) or '(none given)'}. "
            f"Choose from: {', '.join(Scope.values)}."
        )
    return scopes


class Command(BaseCommand):
    help = "Create an API key for the REST API and print it once."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Who or what uses the key.")
        parser.add_argument(
            "--scopes",
            required=True,
            type=parse_scopes,
            help=f"Comma-separated, from: {', '.join(Scope.values)}.",
        )
        parser.add_argument(
            "--test",
            action="store_true",
            help="Issue a pmc_test_ key: its Zoom calls go to the sandbox.",
        )

    def handle(self, *args, name, scopes, test, **options):
        mode = KeyMode.TEST if test else KeyMode.LIVE
        key, plaintext = ApiKey.issue(name=name, scopes=scopes, mode=mode)
        self.stderr.write(
            f"Created API key “{key.name}” ({key.get_mode_display()}; {', '.join(key.scopes)}). "
            "Copy it now: it is not stored and cannot be shown again."
        )
        self.stdout.write(plaintext)
