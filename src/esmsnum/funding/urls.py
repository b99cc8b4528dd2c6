from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("dossiers/<int:pk>/", views.dossier_funding, name="dossier"),
    path("dossiers/<int:pk>/convention/generer/", views.generate_convention, name="generate"),
    path("dossiers/<int:pk>/convention/signee/", views.sign_convention, name="sign"),
    path("dossiers/<int:pk>/convention/grappe/", views.grappe_convention, name="grappe"),
    path("dossiers/<int:pk>/convention/<slug:which>.pdf", views.convention_file, name="convention_file"),
    path("dossiers/<int:pk>/jalons/", views.declare_milestone, name="milestone"),
    path("dossiers/<int:pk>/depenses/", views.submit_statement, name="statement"),
    path("dossiers/<int:pk>/verification/<slug:kind>/<int:item_pk>/", views.review, name="review"),
    path("dossiers/<int:pk>/ordres/", views.issue_order, name="order"),
    path("dossiers/<int:pk>/recouvrement/", views.issue_recovery, name="recovery"),
    path("dossiers/<int:pk>/solde-retenu/", views.decide_withheld, name="withheld"),
    path("ordres/export.csv", views.orders_csv, name="orders_csv"),
    path("ordres/export.xlsx", views.orders_xlsx, name="orders_xlsx"),
]
