"""Antivirus hook: every uploaded piece gets a scan status and is served only when clean (or not scanned when no
antivirus is configured); the ClamAV client speaks clamd's INSTREAM protocol, tested against a fake clamd."""

import socketserver
import struct
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esmsnum.dossiers import services
from esmsnum.security.scan import ScanStatus

from .factories import CAMPAIGN, dossier_for, make_world
from .test_uploads import PDF_BYTES

pytestmark = pytest.mark.django_db
EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


class FakeClamd(socketserver.BaseRequestHandler):
    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        assert command == b"zINSTREAM\0"
        data = b""
        while True:
            header = b""
            while len(header) < 4:
                header += self.request.recv(4 - len(header))
            (size,) = struct.unpack("!L", header)
            if size == 0:
                break
            chunk = b""
            while len(chunk) < size:
                chunk += self.request.recv(size - len(chunk))
            data += chunk
        answer = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        self.request.sendall(answer)


@pytest.fixture
def clamd(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLAMD = f"127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def world(settings, client):
    settings.ESMSNUM_CLOCK = "2024-05-20T10:00:00+04:00"
    world = make_world()
    world.dossier = dossier_for(world, campaign=CAMPAIGN)
    world.piece = next(p for p in services.required_documents(world.dossier) if p.mandatory)
    client.force_login(world.users.porteur)
    return world


def _upload(world, content: bytes):
    upload = SimpleUploadedFile("piece.pdf", content, content_type="application/pdf")
    return services.upload_document(
        world.dossier, by=world.users.porteur, piece_code=world.piece.code, uploaded_file=upload
    )


def _download(client, world, document):
    response = client.get(reverse("dossiers:document", args=[world.dossier.pk, document.pk]))
    for closer in getattr(response, "_resource_closers", []):  # not response.close(): its request_finished
        closer()  # signal would close the test's database connection
    return response


def test_clean_and_infected_through_clamd(client, world, clamd):
    clean = _upload(world, PDF_BYTES)
    assert clean.scan_status == ScanStatus.CLEAN
    assert _download(client, world, clean).status_code == 200
    infected = _upload(world, PDF_BYTES + EICAR)
    assert infected.scan_status == ScanStatus.INFECTED
    assert infected.scan_detail == "Eicar-Test-Signature"
    assert _download(client, world, infected).status_code == 403
    page = client.get(reverse("dossiers:pieces", args=[world.dossier.pk])).content.decode()
    assert "infecté : bloqué" in page


def test_unreachable_clamd_blocks_the_file(client, world, settings):
    settings.CLAMD = "127.0.0.1:1"
    document = _upload(world, PDF_BYTES)
    assert document.scan_status == ScanStatus.ERROR
    assert _download(client, world, document).status_code == 403


def test_without_antivirus_the_status_says_not_scanned(client, world, settings):
    settings.CLAMD = None
    document = _upload(world, PDF_BYTES)
    assert document.scan_status == ScanStatus.NOT_SCANNED
    assert _download(client, world, document).status_code == 200
