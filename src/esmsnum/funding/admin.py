from django.contrib import admin

from .models import Convention, ExpenseStatement, Milestone, PaymentOrder, RecoveryOrder, WithheldDecision

for model in (Convention, Milestone, ExpenseStatement, PaymentOrder, RecoveryOrder, WithheldDecision):
    admin.site.register(model)
