from django.urls import path

from . import views

app_name = "usage"

urlpatterns = [
    path("", views.national, name="national"),
    path("regions/<str:code>/", views.regional, name="regional"),
    path("dossiers/<int:pk>/", views.dossier_usage, name="dossier"),
    path("dossiers/<int:pk>/extractions/", views.upload_extract, name="upload_extract"),
    path("dossiers/<int:pk>/extractions/<int:extract_pk>/", views.extract_download, name="extract"),
    path("dossiers/<int:pk>/declarations/", views.upload_declaration, name="upload_declaration"),
    path("dossiers/<int:pk>/declarations/<int:declaration_pk>/", views.declaration_download, name="declaration"),
]
