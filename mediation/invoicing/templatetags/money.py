"""Money in templates: amounts are whole pence, VAT rates basis points (2000 = 20%)."""

from __future__ import annotations

from django import template

from mediation.domain.billing import format_pence

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    return format_pence(pence or 0)


@register.filter
def vat_rate(bp: int | None) -> str:
    bp = bp or 0
    whole, part = divmod(bp, 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"
