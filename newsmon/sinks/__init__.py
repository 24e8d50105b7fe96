"""Alert sinks that live outside newsmon.alerts: notification URLs through Apprise.

newsmon.alerts keeps the delivery loop (deliveries are rows, retried by
storage.monitoring); a sink here only turns one alert into one message and
raises :class:`DeliveryError` when it could not be handed over.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """A sink could not take an alert now; it is retried later."""
