from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import current_code, is_demo_device


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo login (only for demo devices)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if device is None or not is_demo_device(device):
            raise CommandError(f"{username} has no demo second factor (run load_demo first).")
        self.stdout.write(current_code(device))
