from django import forms


class CodeForm(forms.Form):
    """The code step of the login: the authenticator app's six digits, or one recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        help_text="The six-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=32,
        strip=True,
        help_text="Once the app shows the clinic's entry, type the six digits it shows.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )
