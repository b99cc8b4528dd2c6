from django.contrib import admin

from .models import CommitteeDecision, CommitteeSession, NotificationLetter, Score, ScoringWeight


@admin.register(ScoringWeight)
class ScoringWeightAdmin(admin.ModelAdmin):
    list_display = ("region", "campaign", "criterion_code", "weight")
    list_filter = ("region", "campaign")


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ("dossier", "criterion_code", "value", "scored_by", "scored_at")


@admin.register(CommitteeSession)
class CommitteeSessionAdmin(admin.ModelAdmin):
    list_display = ("region", "campaign", "window_code", "date", "envelope_eur", "closed")


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(admin.ModelAdmin):
    list_display = ("session", "dossier", "group", "amount_granted_eur", "override")


@admin.register(NotificationLetter)
class NotificationLetterAdmin(admin.ModelAdmin):
    list_display = ("dossier", "decision", "generated_at", "sent_at")
