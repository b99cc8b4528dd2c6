from django.contrib import admin

from .models import Document, Dossier, DossierEstablishment, GrappeMember, Message, TransitionLog


class GrappeMemberInline(admin.TabularInline):
    model = GrappeMember
    extra = 0
    raw_id_fields = ("organisation",)


class DossierEstablishmentInline(admin.TabularInline):
    model = DossierEstablishment
    extra = 0
    raw_id_fields = ("establishment",)


class TransitionLogInline(admin.TabularInline):
    model = TransitionLog
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "by", "at", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "campaign", "region", "porteur", "status", "verdict", "total_amount_eur")
    list_filter = ("campaign", "region", "status", "verdict", "guichet")
    search_fields = ("title", "porteur__name", "porteur__finess_ej")
    raw_id_fields = ("porteur", "created_by")
    # Status changes go through the workflow service (transition log); never edit them here.
    readonly_fields = ("status", "filed_at", "window", "evaluation", "evaluated_at", "verdict", "guichet",
                       "essms_count", "total_amount_eur")  # fmt: skip
    inlines = [GrappeMemberInline, DossierEstablishmentInline, TransitionLogInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "dossier", "piece_code", "content_type", "size", "uploaded_at")
    readonly_fields = ("file", "sha256", "size", "content_type", "uploaded_by", "uploaded_at")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("dossier", "kind", "author", "created_at")
