"""DSFR-styled forms: a mixin giving any Form or ModelForm the django-dsfr rendering, and the login form."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBoundField, DsfrDjangoTemplates
from dsfr.utils import dsfr_input_class_attr


class DsfrFormMixin:
    """django-dsfr's rendering (templates, CSS classes) without DsfrBaseForm's transitional warnings."""

    template_name = "dsfr/form_snippet.html"
    bound_field_class = DsfrBoundField
    default_renderer = DsfrDjangoTemplates

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)
            # read by django-dsfr's field template (with a default): defined, so no template variable is unknown
            if not hasattr(visible.field.widget, "group_class"):
                visible.field.widget.group_class = "fr-input-group"

    def get_context(self):
        context = super().get_context()
        context.setdefault("DSFR_MARK_OPTIONAL_FIELDS", False)
        return context


class DsfrForm(DsfrFormMixin, forms.Form):
    pass


class DsfrModelForm(DsfrFormMixin, forms.ModelForm):
    pass


class LoginForm(DsfrFormMixin, AuthenticationForm):
    pass
