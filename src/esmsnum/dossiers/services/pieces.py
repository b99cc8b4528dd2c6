"""Writes on a dossier's pieces: upload (checked by content) and deletion."""

from django.core.files.base import File
from django.db import transaction

from esmsnum.security.scan import scan

from .. import permissions
from ..errors import DossierError, require
from ..models import Document, Dossier
from ..selectors import required_documents
from ..uploads import UploadRejected, check_upload

# Pieces kept per dossier (every version counts): far above a real dossier, a bound for a runaway client.
MAX_DOCUMENTS_PER_DOSSIER = 200


@transaction.atomic
def upload_document(dossier: Dossier, *, by, piece_code: str, uploaded_file) -> Document:
    """Check the upload by its content and store it under MEDIA_ROOT."""
    require(permissions.can_upload_document(by, dossier))
    codes = {d.code for d in required_documents(dossier)}
    if piece_code not in codes:
        raise DossierError("Pièce inconnue pour cette campagne.")
    if dossier.documents.count() >= MAX_DOCUMENTS_PER_DOSSIER:
        raise DossierError(
            f"Ce dossier compte déjà {MAX_DOCUMENTS_PER_DOSSIER} pièces : retirez les versions inutiles avant d'en "
            "déposer d'autres."
        )
    try:
        checked = check_upload(uploaded_file, uploaded_file.name or "piece", getattr(uploaded_file, "size", None))
    except UploadRejected as exc:
        raise DossierError(str(exc)) from exc
    document = Document(
        dossier=dossier,
        piece_code=piece_code,
        original_name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    result = scan(uploaded_file)
    document.scan_status, document.scan_detail = result.status, result.detail
    uploaded_file.seek(0)
    document.file.save(checked.kind.extension, File(uploaded_file), save=False)
    document.save()
    return document


@transaction.atomic
def delete_document(document: Document, *, by) -> None:
    require(permissions.can_delete_document(by, document))
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
