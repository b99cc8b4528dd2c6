"""Uploaded pieces are judged on their content: accepted kinds, disguised files, macros, size."""

import io
import zipfile

import openpyxl
import pytest

from esmsnum.dossiers import uploads
from esmsnum.dossiers.uploads import UploadRejected, check_upload, detect

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    return _zip({"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>"})


def ooxml(main: str, folder: str) -> bytes:
    types = f'<Types><Override PartName="/{folder}main.xml" ContentType="{main}"/></Types>'
    return _zip({"[Content_Types].xml": types.encode(), f"{folder}main.xml": b"<x/>"})


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Heures APA"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, uploads.PDF),
        (PNG_BYTES, uploads.PNG),
        (JPEG_BYTES, uploads.JPEG),
        (odf("application/vnd.oasis.opendocument.text"), uploads.ODT),
        (odf("application/vnd.oasis.opendocument.spreadsheet"), uploads.ODS),
        (ooxml(DOCX_MAIN, "word/"), uploads.DOCX),
        (ooxml(XLSX_MAIN, "xl/"), uploads.XLSX),
        (xlsx_bytes(), uploads.XLSX),
    ],
    ids=["pdf", "png", "jpeg", "odt", "ods", "docx", "xlsx", "xlsx-openpyxl"],
)
def test_accepted_kinds_are_detected_by_content(content, expected):
    assert detect(io.BytesIO(content)) is expected
    checked = check_upload(io.BytesIO(content), "sans extension")
    assert checked.kind is expected
    assert checked.size == len(content)
    assert len(checked.sha256) == 64
    assert checked.name == f"sans extension.{expected.extension}"


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,  # Windows executable
        b"<html><script>alert(1)</script></html>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        _zip({"readme.txt": b"hello"}),  # a plain zip
        odf("application/vnd.oasis.opendocument.presentation"),
        ooxml("application/vnd.ms-word.document.macroEnabled.main+xml", "word/"),  # .docm
        _zip({"[Content_Types].xml": DOCX_MAIN.encode(), "word/x.xml": b"", "word/vbaProject.bin": b"\x00"}),
        ooxml(DOCX_MAIN, "xl/"),  # says Word but holds a spreadsheet folder
        b"PK\x03\x04 truncated zip",
    ],
    ids=["exe", "html", "gif", "zip", "odp", "docm", "vba", "mismatch", "broken-zip"],
)
def test_other_contents_are_refused_even_with_an_accepted_extension(content):
    assert detect(io.BytesIO(content)) is None
    with pytest.raises(UploadRejected, match="n'est pas d'un format accepté"):
        check_upload(io.BytesIO(content), "note.pdf")


def test_size_limits():
    with pytest.raises(UploadRejected, match="vide"):
        check_upload(io.BytesIO(b""), "vide.pdf")
    with pytest.raises(UploadRejected, match="taille maximale est de 20 Mo"):
        check_upload(io.BytesIO(PDF_BYTES), "gros.pdf", size=20 * 1024 * 1024 + 1)
    assert check_upload(io.BytesIO(PDF_BYTES), "ok.pdf", size=20 * 1024 * 1024).size == 20 * 1024 * 1024


def test_names_are_cleaned_and_take_the_detected_extension():
    assert check_upload(io.BytesIO(PDF_BYTES), "../../etc/Note générale.PDF").name == "Note générale.pdf"
    assert check_upload(io.BytesIO(PNG_BYTES), "plan.pdf").name == "plan.png"
    assert check_upload(io.BytesIO(JPEG_BYTES), "photo.jpeg").name == "photo.jpeg"
    assert check_upload(io.BytesIO(PDF_BYTES), 'a<b>:"c".pdf').name == "abc.pdf"
