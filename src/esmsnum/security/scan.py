"""Antivirus scanning of uploaded files.

With ``CLAMD`` configured (``host:port``, or the path of clamd's unix socket), every upload is sent to clamd with
the INSTREAM command before it is stored: ``clean`` or ``infected`` (served never), ``error`` when clamd cannot
answer (served never: the upload is refused until it answers). Without ``CLAMD`` the status is ``not_scanned``
("non analysé", shown as such) and the file is served: a platform without ClamAV stays usable, and says so.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from django.conf import settings
from django.db import models

CHUNK = 64 * 1024
TIMEOUT_SECONDS = 30


class ScanStatus(models.TextChoices):
    PENDING = "pending", "analyse en cours"
    CLEAN = "clean", "sain (antivirus)"
    INFECTED = "infected", "infecté : bloqué"
    ERROR = "error", "analyse impossible : bloqué"
    NOT_SCANNED = "not_scanned", "non analysé (pas d'antivirus configuré)"


SERVED = frozenset({ScanStatus.CLEAN, ScanStatus.NOT_SCANNED})


@dataclass(frozen=True)
class ScanResult:
    status: ScanStatus
    detail: str = ""  # the signature found, or why the scan failed


def _connect(address: str) -> socket.socket:
    if address.startswith("unix:") or address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT_SECONDS)
        sock.connect(address.removeprefix("unix:"))
        return sock
    host, _, port = address.rpartition(":")
    return socket.create_connection((host or "127.0.0.1", int(port)), timeout=TIMEOUT_SECONDS)


def clamd_instream(address: str, stream) -> ScanResult:
    """Send ``stream`` to clamd (``zINSTREAM``: 4-byte big-endian length + chunk, a zero length ends)."""
    try:
        with _connect(address) as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
    except (OSError, ValueError) as exc:
        return ScanResult(ScanStatus.ERROR, f"antivirus injoignable ({exc.__class__.__name__})")
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith(" OK"):
        return ScanResult(ScanStatus.CLEAN)
    if text.endswith(" FOUND"):
        signature = text.removeprefix("stream:").removesuffix(" FOUND").strip()
        return ScanResult(ScanStatus.INFECTED, signature[:200])
    return ScanResult(ScanStatus.ERROR, f"réponse de l'antivirus : {text[:200]}")


def scan(stream) -> ScanResult:
    """Scan an uploaded file (read from its start; the position is put back at the start)."""
    address = getattr(settings, "CLAMD", None)
    if not address:
        return ScanResult(ScanStatus.NOT_SCANNED)
    stream.seek(0)
    try:
        return clamd_instream(address, stream)
    finally:
        stream.seek(0)
