"""HTTP API (django-ninja): a thin layer over the same services as the CLI; OpenAPI at /api/v1/docs."""

from django.db import DatabaseError, connection
from ninja import NinjaAPI, Status
from ninja.errors import Throttled

from esmsnum.api.evaluations import router as evaluations_router

api = NinjaAPI(
    title="ESMS numérique",
    version="1",
    description="API de la plateforme ESMS numérique : évaluation des dossiers, référentiel.",
    urls_namespace="api-v1",
)


@api.get("/health", summary="État du service", tags=["service"], response={200: dict, 503: dict})
def health(request):
    """``ok`` when the database answers; 503 otherwise (load balancers take the server out)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Status(503, {"status": "indisponible", "detail": "La base de données ne répond pas."})
    return Status(200, {"status": "ok"})


api.add_router("", evaluations_router)


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    wait = int(exc.wait or 60)
    response = api.create_response(
        request,
        {
            "detail": f"Trop de demandes sans compte. Réessayez dans {wait} s.",
            "errors": [{"field": "body", "message": "limite de débit atteinte"}],
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response
