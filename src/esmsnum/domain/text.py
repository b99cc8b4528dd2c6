"""Text helpers shared by the referential and the search (pure Python)."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")


def search_key(*parts: str | None) -> str:
    """Upper-case, accent-free, punctuation-free form of ``parts`` joined by spaces (for accent-insensitive search).

    >>> search_key("Résidence l'Oasis", "St-Denis")
    'RESIDENCE L OASIS ST DENIS'
    """
    text = " ".join(part for part in parts if part)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).upper()
    text = text.replace("Œ", "OE").replace("Æ", "AE")
    return _NON_ALNUM.sub(" ", text).strip()
