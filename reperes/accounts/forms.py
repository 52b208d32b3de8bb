from django import forms
from django.contrib.auth.forms import AuthenticationForm

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
    password = forms.CharField(label="Mot de passe initial", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text="Au moins 10 caractères ; à transmettre à la personne.")

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "organisation", "role"]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Un compte existe déjà avec cette adresse.")
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            from django.contrib.auth.password_validation import validate_password

            candidate = User(email=cleaned.get("email") or "", first_name=cleaned.get("first_name") or "",
                             last_name=cleaned.get("last_name") or "")
            try:
                validate_password(password, candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "organisation", "role", "is_active"]
        labels = {"is_active": "Compte actif"}
