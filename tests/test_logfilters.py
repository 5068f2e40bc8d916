"""The server's log never writes out a calendar feed's address (its secret)."""

import logging

from senco.logfilters import HideFeedAddresses


def record(message: str, *args) -> logging.LogRecord:
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, args, None)


def test_a_feed_address_in_a_request_log_line_is_hidden():
    line = record("Method Not Allowed (%s): %s", "OPTIONS", "/calendar/feed/s3cr3t-T0ken.ics")
    assert HideFeedAddresses().filter(line)
    assert line.getMessage() == "Method Not Allowed (OPTIONS): /calendar/feed/(hidden)"


def test_other_log_lines_are_left_as_they_are():
    line = record("Not Found: %s", "/pupils/")
    assert HideFeedAddresses().filter(line)
    assert line.getMessage() == "Not Found: /pupils/"
