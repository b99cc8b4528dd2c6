from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Rôle", {"fields": ("role", "organisation", "region")}))
    list_display = ("username", "email", "role", "organisation", "region", "is_active")
    list_filter = ("role", "region", "is_active")
