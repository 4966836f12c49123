import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from mediation.cases.models import Enquiry

pytestmark = pytest.mark.django_db


def test_rotating_keys_re_encrypts_with_the_new_key_and_keeps_the_text(enquiry, settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT case_history FROM cases_enquiry WHERE id = %s", [enquiry.pk])
        token = cursor.fetchone()[0]
    assert Fernet(new_key.encode()).decrypt(token.encode()).decode().startswith("The LA refused")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert Enquiry.objects.get(pk=enquiry.pk).case_history.startswith("The LA refused")
