from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from .roles import Role, allowed


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, role=Role.PARTENAIRE, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), role=role, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, role=Role.ADMINISTRATEUR, **extra)


class User(AbstractUser):
    """A person who logs in: identified by e-mail, with one role."""

    username = None
    email = models.EmailField("adresse électronique", unique=True)
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.PARTENAIRE)
    organisation = models.CharField("structure", max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def can(self, action: str) -> bool:
        return self.is_active and allowed(self.role, action)
