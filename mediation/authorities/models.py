from django.db import models


class LocalAuthority(models.Model):
    """A council that commissions the service and whose decisions are disputed in its cases."""

    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(
        max_length=12, unique=True, help_text="A short code used in reports, for example NFD."
    )
    contact_email = models.EmailField(
        "Contact email",
        blank=True,
        help_text="Where the service sends notices and reports for this local authority.",
    )
    active = models.BooleanField(
        default=True, help_text="Only active local authorities can be chosen for new cases."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name
