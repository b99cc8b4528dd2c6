from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
]
