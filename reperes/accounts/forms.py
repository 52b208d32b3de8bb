from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm

from .models import User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label="Adresse électronique",
                                widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    password = forms.CharField(label="Mot de passe", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect. Vérifiez-les et réessayez.",
        "inactive": "Ce compte est désactivé. Contactez l'administrateur de Repères.",
    }


class UserCreateForm(forms.ModelForm):
    """A new account: no password here; the person chooses it through the e-mailed invitation link."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "organisation", "role"]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Un compte existe déjà avec cette adresse.")
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class PasswordChoiceForm(SetPasswordForm):
    """Choosing one's password from an invitation link (the rules of AUTH_PASSWORD_VALIDATORS)."""

    error_messages = {"password_mismatch": "Les deux mots de passe ne sont pas identiques\u202f: retapez-les."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password1"].help_text = ("Au moins 10 caractères, ni trop courant ni proche de votre nom "
                                                  "ou de votre adresse\u202f; une phrase est plus facile à retenir.")
        self.fields["new_password2"].label = "Le même mot de passe, à nouveau"
        self.fields["new_password2"].help_text = ""


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "organisation", "role", "is_active"]
        labels = {"is_active": "Compte actif"}
