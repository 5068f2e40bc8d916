"""Filters for the server's own log."""

import logging
import re

FEED_ADDRESS = re.compile(r"/calendar/feed/[^/\s\"']+")


class HideFeedAddresses(logging.Filter):
    """A calendar feed's address is its secret: Django's request log ("Not Found: ...",
    "Method Not Allowed (POST): ...") never writes it out."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/calendar/feed/" in message:
            record.msg = FEED_ADDRESS.sub("/calendar/feed/(hidden)", message)
            record.args = ()
        return True
