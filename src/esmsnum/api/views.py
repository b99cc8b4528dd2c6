"""HTTP API (django-ninja): a thin layer over the same services as the CLI; OpenAPI at /api/v1/docs."""

from ninja import NinjaAPI

from esmsnum.api.evaluations import router as evaluations_router

api = NinjaAPI(
    title="ESMS numérique",
    version="1",
    description="API de la plateforme ESMS numérique : évaluation des dossiers, référentiel.",
    urls_namespace="api-v1",
)


@api.get("/health", summary="État du service", tags=["service"])
def health(request) -> dict:
    return {"status": "ok"}


api.add_router("", evaluations_router)
