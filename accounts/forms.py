from django import forms

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "bio"]
        labels = {"display_name": "Display name", "bio": "Short bio"}
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].widget.attrs["placeholder"] = self.instance.username

    def clean(self):
        # A post without the form's fields (not the page's form) would otherwise
        # save them as blanks and wipe the profile.
        if any(name not in self.data for name in self.fields):
            raise forms.ValidationError("The form arrived incomplete: nothing was saved.")
        return super().clean()


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label="Type your username to confirm",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"]
        if typed != self.user.username:
            raise forms.ValidationError(
                f"That is not your username. Type “{self.user.username}” exactly to "
                "delete your account; nothing has been changed.",
                code="mismatch",
            )
        return typed
