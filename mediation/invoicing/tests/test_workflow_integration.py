"""The billing rules on cases taken through the real services and workflow steps (not rows
written by hand): a call closed with information, a certificate without mediation, a deemed
certificate, and a mediation held with its certificate after mediation (not billed on its own)."""

from __future__ import annotations

from datetime import date

import pytest

from mediation.cases import services as case_services
from mediation.cases.tests.factories import enquiry_data
from mediation.documents.tests.support import (
    CALLED_AT,
    after_mediation_case,
    declined_certificate_case,
    deemed_case,
)
from mediation.invoicing import selectors
from mediation.invoicing.models import Activity
from mediation.invoicing.tests import support

pytestmark = pytest.mark.django_db


def test_activities_recorded_through_the_workflow(local_authority, manager_sue, case_officer_cal):
    support.standard_tariffs(local_authority, manager_sue)
    enquiry = case_services.enquiry_record(
        by=case_officer_cal, data=enquiry_data(local_authority, received_at=CALLED_AT)
    )
    case_services.enquiry_close_with_information(
        enquiry=enquiry, by=case_officer_cal, note="Explained the options"
    )
    declined = declined_certificate_case(case_officer_cal, local_authority)
    deemed = deemed_case(case_officer_cal, local_authority)
    mediated = after_mediation_case(case_officer_cal, local_authority)

    draft = selectors.invoice_draft(
        authority=local_authority, start=date(2026, 11, 1), end=date(2026, 11, 30)
    )
    got = {
        line.activity: [(i.reference, i.happened_on) for i in line.items] for line in draft.lines
    }
    assert got == {
        Activity.INFORMATION_CALL: [(enquiry.reference, date(2026, 11, 5))],
        Activity.CERTIFICATE_ONLY: [
            (declined.reference, date(2026, 11, 9)),
            (deemed.reference, date(2026, 11, 25)),
        ],
        Activity.MEDIATION: [(mediated.reference, date(2026, 11, 20))],
    }
