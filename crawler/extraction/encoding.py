"""Turn the bytes of a fetched page into text the way a browser would, GBK family included."""

from __future__ import annotations

import codecs

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# GB2312 and GBK pages routinely use characters only GB18030 defines; decoding with
# the superset is what browsers do too.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "x-gbk", "cp936"}


def _norm(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name)
    if resolved is None:
        return None
    resolved = codecs.lookup(resolved).name
    return "gb18030" if resolved in _GB_FAMILY else resolved


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML document; return ``(text, encoding_used)``.

    Order: byte-order mark; UTF-8 when the bytes are valid UTF-8 and not all ASCII;
    the declared charset (HTTP header, then ``<meta>``) when the bytes really are in
    it; UTF-8; GB18030. A page that declares a GB charset but whose bytes are valid
    multi-byte UTF-8 is decoded as UTF-8: such mislabelled pages are common, and
    GB18030 would "succeed" on them and produce nonsense. Undecodable bytes become
    U+FFFD rather than an error.
    """
    bom_encoding, bom = read_bom(data)
    if bom_encoding and bom:
        encoding = _norm(bom_encoding) or "utf-8"
        return data[len(bom) :].decode(encoding, errors="replace"), encoding

    if not data.isascii():
        # Bytes that are valid UTF-8 with multi-byte characters in them are read as UTF-8
        # whatever the page declares (a declared GB charset loses to them, as said above;
        # undeclared, UTF-8 is tried first): the declaration need not be looked for.
        as_utf8 = _try(data, "utf-8")
        if as_utf8 is not None:
            return as_utf8, "utf-8"

    declared = _norm(http_content_type_encoding(content_type)) if content_type else None
    if declared is None:
        declared = _norm(html_body_declared_encoding(data[:4096]))
    if declared:
        text = _try(data, declared)
        if text is not None:
            return text, declared
    for candidate in ("utf-8", "gb18030"):
        text = _try(data, candidate)
        if text is not None:
            return text, candidate
    fallback = declared or "utf-8"
    return data.decode(fallback, errors="replace"), fallback
