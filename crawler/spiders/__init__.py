"""Thin spiders: they turn seeds into requests and responses into items; extraction lives elsewhere."""
