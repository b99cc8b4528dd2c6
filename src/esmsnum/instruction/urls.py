from django.urls import path

from . import views

app_name = "instruction"

urlpatterns = [
    path("instruction/dossiers/", views.dossier_list, name="list"),
    path("instruction/dossiers/export.csv", views.export_csv, name="export_csv"),
    path("instruction/dossiers/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("instruction/dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("instruction/dossiers/<int:pk>/action/<slug:action>/", views.dossier_action, name="action"),
    path("instruction/dossiers/<int:pk>/grille/", views.score_save, name="score"),
    path("instruction/dossiers/<int:pk>/grille/apercu/", views.score_preview, name="score_preview"),
    path("instruction/dossiers/<int:pk>/complements/", views.request_information, name="request_info"),
    path("instruction/dossiers/<int:pk>/decision/", views.decide, name="decide"),
    path("instruction/dossiers/<int:pk>/notification/", views.notify, name="notify"),
    path("instruction/dossiers/<int:pk>/courrier/apercu/", views.letter_preview, name="letter_preview"),
    path("instruction/ponderations/", views.weights, name="weights"),
    path("instruction/comites/", views.committee_list, name="committees"),
    path("instruction/comites/<int:pk>/", views.committee_detail, name="committee"),
    path("courriers/<int:pk>/", views.letter_download, name="letter"),
]
