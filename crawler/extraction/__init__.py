"""Pure extraction: from a parsel ``Selector`` (or raw bytes) to the article record. No Scrapy, no I/O."""

from crawler.extraction.article import (
    EXTRACTOR_VERSION,
    Article,
    ExtractionError,
    NotAnArticle,
    extract_article,
    extract_bytes,
)
from crawler.extraction.encoding import decode_html
from crawler.extraction.model import Block, Section, TextPiece

__all__ = [
    "EXTRACTOR_VERSION",
    "Article",
    "Block",
    "ExtractionError",
    "NotAnArticle",
    "Section",
    "TextPiece",
    "decode_html",
    "extract_article",
    "extract_bytes",
]
