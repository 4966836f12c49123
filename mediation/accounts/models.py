"""Staff users of the service. External parties never get accounts (they use portal links)."""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from mediation.common.encryption import EncryptedTextField


class Role(models.TextChoices):
    CASE_OFFICER = "case_officer", "Case officer"
    MEDIATOR = "mediator", "Mediator"
    MANAGER = "manager", "Manager"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A member of the provider's staff.

    Case officers, managers and administrators see every case of the service; mediators see only
    the cases assigned to them (see mediation.cases.selectors.case_list_for_user).
    """

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CASE_OFFICER)
    # Independence (CFA 2014 s53(3)(b), s54(2)(b), s56): a mediator employed by a local authority
    # or health body must not mediate that body's cases. Recorded here, checked at allocation.
    employer_note = models.CharField(
        "Other employment",
        max_length=200,
        blank=True,
        help_text="Any local authority or health body this person also works for.",
    )
    employed_by_authorities = models.ManyToManyField(
        "authorities.LocalAuthority",
        blank=True,
        related_name="+",
        verbose_name="Local authorities this person is employed by",
    )
    employed_by_health_body = models.BooleanField(
        "Employed by an integrated care board or NHS England", default=False
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_mediator(self) -> bool:
        return self.role == Role.MEDIATOR

    @property
    def sees_all_cases(self) -> bool:
        return self.role in {Role.CASE_OFFICER, Role.MANAGER, Role.ADMINISTRATOR}

    @property
    def can_handle_enquiries(self) -> bool:
        return self.role in {Role.CASE_OFFICER, Role.MANAGER, Role.ADMINISTRATOR}

    @property
    def can_manage_service(self) -> bool:
        """Maintain local authorities and staff accounts."""
        return self.role in {Role.MANAGER, Role.ADMINISTRATOR}


class MediatorRegistration(models.Model):
    """A mediator's entry on a register of SEND mediators, and their accreditation.

    The registration holds up to and including `renews_on`; after that it has lapsed and the
    mediator is refused new cases (mediation.domain.register, mediation.cases.selectors).
    Managers are reminded once for each renewal date (mediation.accounts.register).
    """

    mediator = models.OneToOneField(User, on_delete=models.CASCADE, related_name="registration")
    register = models.CharField(
        "Register",
        max_length=120,
        help_text="For example: Civil Mediation Council, or College of Mediators.",
    )
    number = models.CharField("Registration number", max_length=40)
    renews_on = models.DateField("Renewal date")
    accreditation = models.CharField(
        "Accreditation",
        max_length=200,
        blank=True,
        help_text="For example: accredited SEND mediator (College of Mediators).",
    )
    accredited_on = models.DateField("Accredited on", null=True, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["renews_on", "id"]
        indexes = [models.Index(fields=["renews_on"], name="registration_renews_idx")]

    def __str__(self) -> str:
        return f"{self.register} {self.number}"


class MediatorCpd(models.Model):
    """A mediator's continuing professional development (CPD) in one year, in hours."""

    mediator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cpd_years")
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    note = models.CharField("What it was", max_length=300, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "mediator CPD year"
        constraints = [
            models.UniqueConstraint(fields=["mediator", "year"], name="unique_cpd_year"),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="cpd_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"CPD {self.year}: {self.hours} hours"


def _new_totp_key() -> str:
    return random_hex(20)  # 160 bits, as django-otp's own TOTP devices


class EncryptedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """A staff member's authenticator app: django-otp's TOTP device with its secret encrypted
    at rest with the field keys (ADR 0030), like the other sensitive fields.

    django-otp's own `TOTPDevice` keeps the secret as plain hex, so anyone with the database
    (or a backup) had everyone's second factor. The fields and the checking are django-otp's
    (`django_otp.oath.TOTP`: the code of the step, the codes either side, replay refused by
    `last_t`, throttling by `ThrottlingMixin`); only the key's column differs.
    """

    key = EncryptedTextField(default=_new_totp_key)  # hex, as django-otp's
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def verify_token(self, token: object) -> bool:
        """As django-otp's TOTPDevice.verify_token (1.7.5): a code is good once, at a later time
        step than the last good one; failures are throttled."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            code = int(str(token))
        except ValueError:
            verified = False
        else:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = totp.verify(code, self.tolerance, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                if getattr(settings, "OTP_TOTP_SYNC", True):
                    self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code."""
        label = str(self.user.get_username())
        params = urlencode(
            {
                "secret": b32encode(self.bin_key),
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
        if issuer:
            label = f"{issuer}:{label}"
            params += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{params}"
