"""Unpacking an uploaded extract (a zip of the three tables) safely into a directory.

Only the expected members are written, under names chosen here (never the archive's paths): ``dossiers``,
``personalised_projects`` and ``events``, each ``.csv`` or ``.parquet``, at the root of the archive or in one
folder. Operating-system clutter (``__MACOSX/``, hidden files) is ignored; anything else is refused. Sizes are
bounded (compressed and uncompressed, counted while copying) so that a zip bomb cannot fill the disk.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from esmsnum.domain.indicators.sources import TABLES

MAX_ARCHIVE_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
# Each table: at most this many bytes once unpacked, and at most MAX_RATIO times its compressed size (real CSV
# extracts compress 5 to 30 times; a zip bomb, thousands of times).
MAX_TABLE_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 100
# What a damaged archive raises while it is read: bad deflate stream, bad CRC, unknown compression method…
CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)
EXPECTED = ", ".join(f"{t}.csv ou {t}.parquet" for t in TABLES)


class ArchiveRejected(ValueError):
    """The archive is refused; the message (French) says why."""


@dataclass(frozen=True)
class Unpacked:
    directory: Path
    sha256: str
    size: int
    file_format: str  # "csv", "parquet" or "mixte"


def sha256_of(stream: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _ignored(name: str) -> bool:
    path = PurePosixPath(name)
    return name.endswith("/") or path.parts[0] == "__MACOSX" or path.name.startswith(".")


def _check_table_size(table: str, size: int, compressed: int) -> None:
    if size > MAX_TABLE_BYTES:
        raise ArchiveRejected(f"La table {table} dépasse {MAX_TABLE_BYTES // 1024 // 1024} Mo une fois décompressée.")
    if size > MAX_RATIO * max(compressed, 1) and size > 1024 * 1024:
        raise ArchiveRejected(
            f"La table {table} est comprimée plus de {MAX_RATIO} fois : ce n'est pas une extraction plausible."
        )


def _reason(exc: Exception) -> str:
    """A short French reason, never a server path."""
    if isinstance(exc, NotImplementedError):
        return "méthode de compression non prise en charge"
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
        return "somme de contrôle CRC incorrecte"
    if isinstance(exc, zlib.error):
        return "flux compressé invalide"
    return "données tronquées ou illisibles"


def unpack(stream: BinaryIO, directory: Path, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> Unpacked:
    """Check and unpack ``stream`` into ``directory``; raises :class:`ArchiveRejected`."""
    sha256, size = sha256_of(stream)
    if size == 0:
        raise ArchiveRejected("Le fichier est vide.")
    if size > MAX_ARCHIVE_BYTES:
        raise ArchiveRejected(
            f"Le fichier pèse {size / 1024 / 1024:.0f} Mo : {MAX_ARCHIVE_BYTES // 1024 // 1024} Mo au plus."
        )
    try:
        archive = zipfile.ZipFile(stream)
    except (OSError, *CORRUPT):
        raise ArchiveRejected("Le fichier n'est pas une archive zip lisible.") from None
    with archive:
        members: dict[str, zipfile.ZipInfo] = {}
        folders = set()
        for info in archive.infolist():
            if _ignored(info.filename):
                continue
            path = PurePosixPath(info.filename.replace("\\", "/"))
            stem, _, ext = path.name.rpartition(".")
            if stem not in TABLES or ext.lower() not in ("csv", "parquet") or len(path.parts) > 2 or ".." in path.parts:
                raise ArchiveRejected(
                    f"Fichier inattendu dans l'archive : « {info.filename} ». Fichiers attendus : {EXPECTED}."
                )
            if stem in members:
                raise ArchiveRejected(f"La table {stem} figure deux fois dans l'archive.")
            if info.flag_bits & 0x1:
                raise ArchiveRejected("L'archive est chiffrée : déposez une archive sans mot de passe.")
            folders.add(path.parts[0] if len(path.parts) == 2 else "")
            members[stem] = info
        missing = [t for t in TABLES if t not in members]
        if missing:
            raise ArchiveRejected(
                f"Table(s) absente(s) de l'archive : {', '.join(missing)}. Fichiers attendus : {EXPECTED}."
            )
        if len(folders) > 1:
            raise ArchiveRejected("Les trois tables doivent être dans le même dossier de l'archive.")
        if sum(info.file_size for info in members.values()) > max_unpacked:
            raise ArchiveRejected(f"L'archive décompressée dépasse {max_unpacked // 1024 // 1024} Mo.")
        for table, info in members.items():
            _check_table_size(table, info.file_size, info.compress_size)
        directory.mkdir(parents=True, exist_ok=True)
        written = 0
        formats = set()
        for table, info in members.items():
            ext = info.filename.rpartition(".")[2].lower()
            formats.add(ext)
            table_written = 0
            try:
                with archive.open(info) as source, (directory / f"{table}.{ext}").open("wb") as target:
                    while chunk := source.read(1024 * 1024):
                        written += len(chunk)
                        table_written += len(chunk)
                        if written > max_unpacked:  # the sizes in the zip's directory can lie
                            raise ArchiveRejected(f"L'archive décompressée dépasse {max_unpacked // 1024 // 1024} Mo.")
                        _check_table_size(table, table_written, info.compress_size)
                        target.write(chunk)
            except CORRUPT as exc:
                raise ArchiveRejected(
                    f"L'archive est endommagée (table {table} : {_reason(exc)}) : refaites l'export puis déposez-le."
                ) from None
    stream.seek(0)
    return Unpacked(directory, sha256, size, formats.pop() if len(formats) == 1 else "mixte")
