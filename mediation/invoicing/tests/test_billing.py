"""Known activities give exactly the invoice lines and totals expected: what counts, on which
day, at which price, for which LA, and never twice."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from mediation.cases.models import CertificateKind
from mediation.common import errors
from mediation.invoicing import selectors, services
from mediation.invoicing.models import Activity, BilledActivity, Invoice
from mediation.invoicing.tests import support

pytestmark = pytest.mark.django_db

NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)


def lines_of(draft):
    return [
        (line.activity, line.quantity, line.unit_price_pence, line.net_pence, line.vat_pence)
        for line in draft.lines
    ]


def issue(authority, user, start=NOV_1, end=NOV_30):
    draft = selectors.invoice_draft(authority=authority, start=start, end=end)
    return services.invoice_issue(
        authority=authority, start=start, end=end, fingerprint=draft.fingerprint, by=user
    )


@pytest.fixture
def november(local_authority, manager_sue, case_officer_cal):
    """One LA's November: every kind of activity, and some that must not count."""
    la, cal = local_authority, case_officer_cal
    support.standard_tariffs(la, manager_sue)
    made = {
        "calls": [
            support.information_call(la, cal, date(2026, 11, 2)),
            support.information_call(la, cal, date(2026, 11, 16)),
            support.information_call(la, cal, date(2026, 11, 30), hour=23),
        ],
        "open_call": support.information_call(la, cal, date(2026, 11, 3), closed=False),
        "certificates": [
            support.certificate(la, cal, date(2026, 11, 9)),
            support.certificate(la, cal, date(2026, 11, 10)),
            support.certificate(la, cal, date(2026, 11, 25), CertificateKind.DEEMED),
        ],
        "after_mediation": support.certificate(
            la, cal, date(2026, 11, 24), CertificateKind.AFTER_MEDIATION
        ),
        "revoked": support.certificate(la, cal, date(2026, 11, 11), revoked=True),
        "mediations": [
            support.mediation(la, cal, date(2026, 11, 20)),
            support.mediation(la, cal, date(2026, 11, 30)),
        ],
        "not_held": support.case(la, cal, support.Route.MEDIATION),
        "dr": [support.disagreement_resolution(la, cal, date(2026, 11, 12))],
        # Mon 23 → Wed 25: 2 working days' notice, late. Mon 23 → Thu 26: not late.
        "late": support.cancelled_meeting(
            la, cal, cancelled_on=date(2026, 11, 23), meeting_on=date(2026, 11, 25)
        ),
        "in_time": support.cancelled_meeting(
            la, cal, cancelled_on=date(2026, 11, 23), meeting_on=date(2026, 11, 26)
        ),
    }
    return made


def test_known_month_gives_exact_lines_and_totals(november, local_authority):
    draft = selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30)
    assert lines_of(draft) == [
        (Activity.INFORMATION_CALL, 3, 4500, 13500, 2700),
        (Activity.CERTIFICATE_ONLY, 3, 12000, 36000, 7200),
        (Activity.MEDIATION, 2, 65000, 130000, 26000),
        (Activity.DISAGREEMENT_RESOLUTION, 1, 52500, 52500, 10500),
        (Activity.CANCELLED_MEETING, 1, 15000, 15000, 3000),
    ]
    assert (draft.net_pence, draft.vat_pence, draft.total_pence) == (247000, 49400, 296400)
    refs = {line.activity: [i.reference for i in line.items] for line in draft.lines}
    assert refs[Activity.INFORMATION_CALL] == [e.reference for e in november["calls"]]
    assert refs[Activity.CERTIFICATE_ONLY] == [c.case.reference for c in november["certificates"]]
    assert refs[Activity.CANCELLED_MEETING] == [november["late"].case.reference]
    assert draft.unpriced == [] and draft.already_billed == []


def test_the_draft_reads_each_kind_with_one_query_whatever_the_number_of_cases(
    november, local_authority, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30)


@pytest.mark.parametrize(
    ("held_on", "counted"),
    [(date(2026, 10, 31), False), (date(2026, 11, 1), True), (date(2026, 11, 30), True),
     (date(2026, 12, 1), False)],
)  # fmt: skip
def test_period_boundaries(local_authority, manager_sue, case_officer_cal, held_on, counted):
    support.standard_tariffs(local_authority, manager_sue)
    support.mediation(local_authority, case_officer_cal, held_on)
    draft = selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30)
    assert sum(line.quantity for line in draft.lines) == (1 if counted else 0)


def test_a_call_belongs_to_the_london_day_it_was_received(
    local_authority, manager_sue, case_officer_cal
):
    # British Summer Time: 23:30 on 31 August is 22:30 UTC, 00:30 on 1 September is 23:30 UTC.
    support.standard_tariffs(local_authority, manager_sue)
    last = support.information_call(local_authority, case_officer_cal, date(2026, 8, 31), hour=23)
    support.information_call(local_authority, case_officer_cal, date(2026, 9, 1), hour=0)
    draft = selectors.invoice_draft(
        authority=local_authority, start=date(2026, 8, 1), end=date(2026, 8, 31)
    )
    assert [i.reference for line in draft.lines for i in line.items] == [last.reference]


def test_another_las_activities_never_count(
    november, local_authority, other_authority, manager_sue, case_officer_cal
):
    support.standard_tariffs(other_authority, manager_sue)
    support.mediation(other_authority, case_officer_cal, date(2026, 11, 20))
    support.information_call(other_authority, case_officer_cal, date(2026, 11, 20))
    support.certificate(other_authority, case_officer_cal, date(2026, 11, 20))
    support.cancelled_meeting(
        other_authority,
        case_officer_cal,
        cancelled_on=date(2026, 11, 23),
        meeting_on=date(2026, 11, 24),
    )
    ours = selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30)
    assert ours.total_pence == 296400
    theirs = selectors.invoice_draft(authority=other_authority, start=NOV_1, end=NOV_30)
    assert [(line.activity, line.quantity) for line in theirs.lines] == [
        (Activity.INFORMATION_CALL, 1),
        (Activity.CERTIFICATE_ONLY, 1),
        (Activity.MEDIATION, 1),
        (Activity.CANCELLED_MEETING, 1),
    ]


def test_a_new_price_mid_period_applies_by_the_day_of_the_activity(
    local_authority, manager_sue, case_officer_cal
):
    support.tariff(local_authority, manager_sue, Activity.MEDIATION, 60000, end=date(2026, 11, 14))
    support.tariff(
        local_authority, manager_sue, Activity.MEDIATION, 65000, start=date(2026, 11, 15)
    )
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 14))
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 15))
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 16))
    draft = selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30)
    assert lines_of(draft) == [
        (Activity.MEDIATION, 1, 60000, 60000, 0),
        (Activity.MEDIATION, 2, 65000, 130000, 0),
    ]
    assert draft.lines[1].description == "Mediation (price from Sun 15 Nov 2026)"


def test_activities_without_a_tariff_are_listed_not_billed(
    local_authority, manager_sue, case_officer_cal
):
    support.tariff(local_authority, manager_sue, Activity.MEDIATION, 65000)
    dr = support.disagreement_resolution(local_authority, case_officer_cal, date(2026, 11, 5))
    support.cancelled_meeting(
        local_authority,
        case_officer_cal,
        cancelled_on=date(2026, 11, 23),
        meeting_on=date(2026, 11, 24),
    )
    draft = selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30)
    assert draft.lines == []
    # No cancelled-meeting tariff means no notice rule: cancellations are not activities then.
    assert [row.reference for row in draft.unpriced] == [dr.reference]


def test_vat_rounding_on_an_invoice(local_authority, manager_sue, case_officer_cal):
    support.tariff(local_authority, manager_sue, Activity.INFORMATION_CALL, 333, vat_bp=2000)
    support.tariff(local_authority, manager_sue, Activity.MEDIATION, 10001, vat_bp=500)
    for day in (2, 3, 4):
        support.information_call(local_authority, case_officer_cal, date(2026, 11, day))
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 5))
    draft = selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30)
    # 3 × 333p = 999p, VAT 199.8p → 200p; 10001p at 5% = 500.05p → 500p.
    assert lines_of(draft) == [
        (Activity.INFORMATION_CALL, 3, 333, 999, 200),
        (Activity.MEDIATION, 1, 10001, 10001, 500),
    ]
    assert draft.total_pence == 999 + 200 + 10001 + 500


# ---------------------------------------------------------------------------------------------
# Issuing
# ---------------------------------------------------------------------------------------------


def test_issue_freezes_lines_activities_and_pdf(november, local_authority, manager_sue):
    invoice = issue(local_authority, manager_sue)
    assert invoice.number == "INV-2026-00001"
    assert invoice.issued_on == date(2026, 12, 2)
    assert (invoice.net_pence, invoice.vat_pence, invoice.total_pence) == (247000, 49400, 296400)
    assert invoice.lines.count() == 5
    assert BilledActivity.objects.filter(invoice=invoice).count() == 10
    assert bytes(invoice.pdf).startswith(b"%PDF")
    assert len(invoice.sha256) == 64
    from mediation.audit.models import AuditEvent

    event = AuditEvent.objects.get(verb="invoice.issue")
    assert event.detail["total_pence"] == 296400 and event.detail["activities"] == 10


def test_later_changes_to_cases_or_tariffs_never_alter_an_issued_invoice(
    november, local_authority, manager_sue
):
    from mediation.invoicing.models import Tariff

    invoice = issue(local_authority, manager_sue)
    pdf = bytes(invoice.pdf)
    Tariff.objects.filter(activity=Activity.MEDIATION).update(unit_price_pence=99999)
    november["mediations"][0].mediation_held_on = date(2026, 10, 1)
    november["mediations"][0].save()
    invoice = Invoice.objects.get(pk=invoice.pk)
    line = invoice.lines.get(activity=Activity.MEDIATION)
    assert (line.quantity, line.unit_price_pence, line.net_pence) == (2, 65000, 130000)
    assert bytes(invoice.pdf) == pdf and invoice.total_pence == 296400
    assert services.invoice_csv(invoice).count("MED-") >= 2


def test_numbers_are_gapless_and_a_refused_issue_uses_no_number(
    local_authority, other_authority, manager_sue, case_officer_cal
):
    support.standard_tariffs(local_authority, manager_sue)
    support.standard_tariffs(other_authority, manager_sue)
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    support.mediation(other_authority, case_officer_cal, date(2026, 11, 3))
    with pytest.raises(errors.DraftChanged):
        services.invoice_issue(
            authority=local_authority, start=NOV_1, end=NOV_30, fingerprint="stale", by=manager_sue
        )
    first = issue(local_authority, manager_sue)
    with pytest.raises(errors.ServiceError, match="nothing to invoice"):
        issue(local_authority, manager_sue)  # everything is on the first invoice
    second = issue(other_authority, manager_sue)
    assert [first.number, second.number] == ["INV-2026-00001", "INV-2026-00002"]


def test_a_draft_that_changed_since_the_preview_is_refused(
    local_authority, manager_sue, case_officer_cal
):
    support.standard_tariffs(local_authority, manager_sue)
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 3))
    seen = selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30)
    support.mediation(local_authority, case_officer_cal, date(2026, 11, 4))
    with pytest.raises(errors.DraftChanged, match="changed since you looked"):
        services.invoice_issue(
            authority=local_authority,
            start=NOV_1,
            end=NOV_30,
            fingerprint=seen.fingerprint,
            by=manager_sue,
        )
    assert not Invoice.objects.exists()


def test_no_double_billing_across_overlapping_periods(
    november, local_authority, manager_sue, case_officer_cal
):
    first = issue(local_authority, manager_sue)
    late_record = support.mediation(local_authority, case_officer_cal, date(2026, 11, 18))
    october = support.mediation(local_authority, case_officer_cal, date(2026, 10, 20))
    draft = selectors.invoice_draft(authority=local_authority, start=date(2026, 10, 1), end=NOV_30)
    assert [(line.activity, [i.reference for i in line.items]) for line in draft.lines] == [
        (Activity.MEDIATION, [october.reference, late_record.reference])
    ]
    assert len(draft.already_billed) == 10
    assert {number for _row, number in draft.already_billed} == {first.number}
    second = issue(local_authority, manager_sue, start=date(2026, 10, 1))
    assert second.total_pence == 2 * 78000


def test_the_database_refuses_a_second_bill_for_one_activity(
    november, local_authority, manager_sue
):
    invoice = issue(local_authority, manager_sue)
    item = BilledActivity.objects.filter(invoice=invoice).first()
    assert item is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        BilledActivity.objects.create(
            invoice=invoice,
            line=item.line,
            local_authority=item.local_authority,
            activity=item.activity,
            source_id=item.source_id,
            reference=item.reference,
            happened_on=item.happened_on,
        )


def test_only_managers_can_issue(november, local_authority, case_officer_cal):
    draft = selectors.invoice_draft(authority=local_authority, start=NOV_1, end=NOV_30)
    with pytest.raises(errors.ServiceError, match="Only managers"):
        services.invoice_issue(
            authority=local_authority,
            start=NOV_1,
            end=NOV_30,
            fingerprint=draft.fingerprint,
            by=case_officer_cal,
        )
