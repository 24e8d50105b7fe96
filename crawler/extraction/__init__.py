"""Pure extraction: from a parsel ``Selector`` (or raw bytes) to the article record. No Scrapy, no I/O."""

from crawler.extraction.article import (
    EXTRACTOR_VERSION,
    ExtractedArticle,
    ExtractionError,
    NotAnArticle,
    extract_article,
    extract_bytes,
)
from crawler.extraction.blocks import Block, Section, TextPiece
from crawler.extraction.encoding import decode_html

__all__ = [
    "EXTRACTOR_VERSION",
    "Block",
    "ExtractedArticle",
    "ExtractionError",
    "NotAnArticle",
    "Section",
    "TextPiece",
    "decode_html",
    "extract_article",
    "extract_bytes",
]
