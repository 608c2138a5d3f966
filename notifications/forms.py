from django import forms

from .models import Delivery, Kind


class EmailSettingsForm(forms.Form):
    """One choice per kind of event: right away, in the daily digest, or not."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, initial=current[kind.value]
            )
