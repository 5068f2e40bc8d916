"""`senco serve` runs the web server and the task worker together and stops them together."""

import os
import signal
import sys
import threading
import time

from senco.operations.management.commands import serve


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


SLEEPER = python("import time; time.sleep(60)")


def test_when_one_process_ends_the_other_is_stopped_and_its_status_returned():
    started = time.monotonic()
    status = serve.run_together([SLEEPER, python("raise SystemExit(3)")], poll_seconds=0.05)
    assert status == 3
    assert time.monotonic() - started < 10


def test_a_stop_signal_is_passed_to_both_processes():
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    started = time.monotonic()
    status = serve.run_together([SLEEPER, SLEEPER], poll_seconds=0.05)
    timer.join()
    assert status == 0
    assert time.monotonic() - started < 10


def test_production_uses_gunicorn_with_the_configured_number_of_workers(monkeypatch):
    monkeypatch.setenv("SENCO_WORKERS", "5")
    command = serve.web_server_command("127.0.0.1", 8123, dev=False)
    assert command[1:4] == ["-m", "gunicorn", "senco.wsgi:application"]
    assert "--bind=127.0.0.1:8123" in command
    assert "--workers=5" in command


def test_dev_uses_runserver_without_the_reloader():
    command = serve.web_server_command("127.0.0.1", 8123, dev=True)
    assert command[-3:] == ["runserver", "--noreload", "127.0.0.1:8123"]
