"""Where an element stands against the article body's container (moved from ``headline.py``):
just above it, or after its end."""

from __future__ import annotations

from lxml import etree


def heads_body(el: etree._Element, container: etree._Element | None) -> bool:
    """Whether ``el`` sits just above the article body: its parent or grandparent holds both."""
    if container is None:
        return False
    holder = el.getparent()
    for _ in range(2):
        if holder is None:
            return False
        if any(node is holder for node in container.iterancestors()):
            return el not in container.iterancestors()
        holder = holder.getparent()
    return False


def starts_after(el: etree._Element, container: etree._Element) -> bool:
    """Whether ``el`` starts after the end of ``container`` (neither holds the other)."""
    if any(node is container for node in el.iterancestors()) or any(
        node is el for node in container.iterancestors()
    ):
        return False
    a, b = el.sourceline, container.sourceline
    if a is not None and b is not None and a != b:
        return a > b
    for node in container.itersiblings(preceding=True):  # (rare: both on one source line)
        if node is el or any(n is el for n in node.iterdescendants()):
            return False
    return True
