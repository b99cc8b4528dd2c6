"""Checks on uploaded pieces: the type is read from the content (never the name), the size is bounded.

Accepted: PDF, ODT, ODS, DOCX, XLSX, PNG, JPEG. ``filetype`` recognises PDF, PNG and JPEG by their magic numbers
but sees every OpenDocument and Office Open XML file as a zip: those are told apart by their members
(``mimetype`` for ODF, ``[Content_Types].xml`` and ``word/`` or ``xl/`` for OOXML). Macro-enabled documents
(.docm, .xlsm) and other zips are refused.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import filetype

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", "pdf", "PDF")
PNG = FileKind("image/png", "png", "image PNG")
JPEG = FileKind("image/jpeg", "jpg", "image JPEG")
ODT = FileKind("application/vnd.oasis.opendocument.text", "odt", "texte OpenDocument (ODT)")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", "ods", "tableur OpenDocument (ODS)")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "document Word")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "classeur Excel")
ACCEPTED = (PDF, ODT, DOCX, XLSX, ODS, PNG, JPEG)
ACCEPTED_LABEL = "PDF, ODT, DOCX, XLSX, ODS, PNG ou JPEG"
# For the <input accept> attribute (a hint for the browser only; the server checks the content).
ACCEPT_ATTRIBUTE = (
    ",".join(f".{k.extension}" for k in ACCEPTED) + ",.jpeg," + ",".join(k.content_type for k in ACCEPTED)
)

_ODF = {ODT.content_type: ODT, ODS.content_type: ODS}
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}


class UploadRejected(ValueError):
    """The piece is refused; the message (French) says why."""


def _zip_kind(stream: BinaryIO) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 200:
                    return None
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return _ODF.get(mimetype)
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > 1024 * 1024:
                    return None
                content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
                if "macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
                    return None
                for main_type, kind in _OOXML_MAIN.items():
                    if main_type in content_types:
                        folder = "word/" if kind is DOCX else "xl/"
                        if any(name.startswith(folder) for name in names):
                            return kind
            return None
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError):
        return None


def detect(stream: BinaryIO) -> FileKind | None:
    """The accepted kind of the file, judged on its content; None when it is not one of the accepted kinds."""
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        stream.seek(0)
        return kind
    guess = filetype.guess(head)
    if guess is not None and guess.mime == "image/png":
        return PNG
    if guess is not None and guess.mime == "image/jpeg":
        return JPEG
    return None


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    size: int
    sha256: str
    name: str  # the original name, its extension set to the detected kind


def _clean_name(name: str, kind: FileKind) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "piece"
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem = base
    stem = "".join(c for c in stem if c.isprintable() and c not in '<>:"|?*').strip(" .") or "piece"
    ext_ok = ext.lower() in {kind.extension, "jpeg" if kind is JPEG else kind.extension}
    return f"{stem[:200]}.{ext.lower() if dot and ext_ok else kind.extension}"


def check_upload(stream: BinaryIO, name: str, size: int | None = None) -> CheckedUpload:
    """Check ``stream`` (an uploaded file) and return what to store, or raise :class:`UploadRejected`."""
    if size is None:
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
    if size <= 0:
        raise UploadRejected("Le fichier est vide.")
    if size > MAX_BYTES:
        raise UploadRejected(
            f"Le fichier pèse {size / 1024 / 1024:.1f} Mo : la taille maximale est de {MAX_BYTES // 1024 // 1024} Mo."
        )
    kind = detect(stream)
    if kind is None:
        raise UploadRejected(
            f"Le contenu du fichier « {name} » n'est pas d'un format accepté ({ACCEPTED_LABEL}). "
            "Le format est vérifié sur le contenu du fichier, pas sur son extension."
        )
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return CheckedUpload(kind=kind, size=size, sha256=digest.hexdigest(), name=_clean_name(name, kind))
