from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("esmsnum.api.urls")),
    path("dossiers/", include("esmsnum.dossiers.urls")),
    path("usage/", include("esmsnum.usage.urls")),
    path("financement/", include("esmsnum.funding.urls")),
    path("", include("esmsnum.instruction.urls")),
    path("", include("esmsnum.web.urls")),
]
