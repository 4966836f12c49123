"""Staff two-factor sign-in with time-based codes (TOTP, RFC 6238) from an authenticator app."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg

from mediation.accounts.models import EncryptedTOTPDevice, User

DEVICE_NAME = "Authenticator app"


def confirmed_device(user: User) -> EncryptedTOTPDevice | None:
    return EncryptedTOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> EncryptedTOTPDevice:
    """The unconfirmed device being set up, created on first visit to the set-up page."""
    device = EncryptedTOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or EncryptedTOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=False
    )


def base32_key(device: EncryptedTOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def device_with_key(user: User, base32: str) -> EncryptedTOTPDevice:
    """Create a confirmed device with a known key (demo data and tests only)."""
    hex_key = base64.b32decode(base32).hex()
    EncryptedTOTPDevice.objects.filter(user=user).delete()
    return EncryptedTOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=hex_key, confirmed=True
    )


def qr_svg(device: EncryptedTOTPDevice) -> str:
    """An SVG QR code of the otpauth:// URL, drawn on the server (no external service)."""
    # config_url carries the issuer from settings.OTP_TOTP_ISSUER.
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")
