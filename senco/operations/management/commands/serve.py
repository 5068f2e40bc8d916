"""`senco serve`: the web server and the task worker, started and stopped together."""

import os
import signal
import subprocess
import sys
import time
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_SECONDS = 30


def positive_int_from_env(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise CommandError(f"{name}={raw!r} in the environment: use a whole number above 0.")
    return int(raw)


def django_command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "django", *arguments]


def web_server_command(host: str, port: int, dev: bool) -> list[str]:
    if dev:
        return django_command("runserver", "--noreload", f"{host}:{port}")
    workers = positive_int_from_env("SENCO_WORKERS", 2)
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "senco.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
    ]


def start(command: list[str]) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "senco.settings")
    # A process group of its own: a Ctrl+C in the terminal reaches it once, through us, rather
    # than twice (a second signal makes the task worker abandon the task it is running).
    return subprocess.Popen(command, env=env, process_group=0)


def stop(processes: list[subprocess.Popen[bytes]], signum: int) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signum)


def wait_for_all(processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_together(commands: list[list[str]], poll_seconds: float = 0.2) -> int:
    """Run commands side by side until one ends or we are told to stop; then stop them all.

    Returns the exit status of the first to end (0 when stopped by a signal)."""
    processes: list[subprocess.Popen[bytes]] = []
    stopped_by: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        stopped_by.append(signum)
        stop(processes, signum)

    previous = {signum: signal.signal(signum, forward) for signum in STOP_SIGNALS}
    try:
        processes.extend(start(command) for command in commands)
        while not stopped_by and all(process.poll() is None for process in processes):
            time.sleep(poll_seconds)
        first_status = next((p.returncode for p in processes if p.returncode is not None), 0)
        stop(processes, signal.SIGTERM)
        wait_for_all(processes)
    finally:
        stop(processes, signal.SIGKILL)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0 if stopped_by else first_status


class Command(BaseCommand):
    help = "Serve OpenSENCO (gunicorn, or runserver with --dev) beside the task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, help="port to listen on (default: PORT or 8000)")
        parser.add_argument(
            "--dev", action="store_true", help="Django's development server instead of gunicorn"
        )

    def handle(self, *args: object, **options: object) -> None:
        host = str(options["host"])
        port = options["port"] or positive_int_from_env("PORT", 8000)
        assert isinstance(port, int)
        dev = bool(options["dev"])
        web = web_server_command(host, port, dev)
        # Static files are served by whitenoise from STATIC_ROOT, in development too.
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(
            f"OpenSENCO at http://{host}:{port}/ (public address {settings.SITE_URL})"
        )
        self.stdout.write("Press Ctrl+C to stop the server and the task worker.")
        status = run_together([web, django_command("db_worker")])
        if status:
            raise CommandError(f"A server process stopped with status {status}.", returncode=status)
