"""Read-only admin for usage figures: they come from uploaded files, whose checksum is the proof."""

from django.contrib import admin

from .models import DeclaredFigures, EditorDeclaration, Measurement, UsageExtract


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UsageExtract)
class UsageExtractAdmin(ReadOnlyAdmin):
    list_display = ("id", "dossier", "measured_at", "original_name", "sha256", "skipped_rows", "uploaded_at")
    list_filter = ("measured_at",)
    raw_id_fields = ("dossier", "uploaded_by")


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "establishment", "measured_at", "accompanied", "active", "active_rate", "targets_met")
    list_filter = ("measured_at", "targets_met")
    raw_id_fields = ("dossier", "establishment", "extract")


class DeclaredFiguresInline(admin.TabularInline):
    model = DeclaredFigures
    extra = 0
    can_delete = False
    raw_id_fields = ("establishment",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EditorDeclaration)
class EditorDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("id", "dossier", "measured_at", "editor", "original_name", "uploaded_at")
    raw_id_fields = ("dossier", "uploaded_by")
    inlines = [DeclaredFiguresInline]
