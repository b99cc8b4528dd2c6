from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("nouveau/", views.dossier_create, name="create"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/evaluation/", views.evaluation_panel, name="evaluation"),
    path("<int:pk>/action/<slug:action>/", views.dossier_action, name="action"),
    path("<int:pk>/messages/", views.message_post, name="message"),
    path("<int:pk>/projet/", views.dossier_project, name="projet"),
    path("<int:pk>/grappe/", views.dossier_grappe, name="grappe"),
    path("<int:pk>/grappe/recherche/", views.establishment_search, name="search"),
    path("<int:pk>/grappe/ajouter-essms/", views.establishment_add, name="add_establishment"),
    path("<int:pk>/grappe/ajouter-organisme/", views.organisation_add, name="add_organisation"),
    path("<int:pk>/grappe/essms/<int:entry_pk>/", views.establishment_detail, name="establishment"),
    path("<int:pk>/grappe/essms/<int:entry_pk>/retirer/", views.establishment_remove, name="remove_establishment"),
    path("<int:pk>/grappe/organismes/<int:member_pk>/retirer/", views.member_remove, name="remove_member"),
    path("<int:pk>/pieces/", views.dossier_pieces, name="pieces"),
    path("<int:pk>/pieces/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/pieces/<int:document_pk>/supprimer/", views.document_delete, name="delete_document"),
    path("<int:pk>/depot/", views.dossier_submit, name="depot"),
]
