"""The ``newsmon serve`` web app: JSON API and server-rendered search pages."""
