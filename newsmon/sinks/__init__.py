"""Alert sinks: each turns one alert into one message (or line, or request) somewhere.

``log.py`` (the log), ``jsonl.py`` (a JSON-lines file), ``webhook.py`` (an HTTP POST),
``urls.py`` (notification URLs through Apprise) and ``atom.py`` (an Atom feed,
rewritten whole). newsmon.alerts keeps the settings and the delivery loop
(deliveries are rows, retried by storage.monitoring); a sink here only hands one
alert over and raises :class:`DeliveryError` when it could not.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A sink could not take an alert now; it is retried later."""
