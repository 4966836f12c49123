"""Staff side of the portal: inviting (with invalid input), the case-page panel with delivery
status, revoking, new links and dealing with what parties sent."""

from __future__ import annotations

import pytest
from django.core import mail

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.common import errors
from mediation.portal import services
from mediation.portal.models import PortalAccess, PortalRequest
from mediation.portal.selectors import staff_panel

pytestmark = pytest.mark.django_db


def test_invite_page_and_invalid_input(client, portal_case, case_officer_cal):
    login(client, case_officer_cal)
    la = portal_case.parties.get(role="la_representative")
    url = f"/cases/{portal_case.reference}/portal/invite/{la.pk}/"
    page = client.get(url).content.decode()
    assert "Local authority officer" in page and "Parent, carer" not in page
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Select what they should be able to do" in response.content.decode()
    response = client.post(url, {"kind": "parent"})  # not a choice for an LA officer
    assert response.status_code == 400
    assert not PortalAccess.objects.exists()
    response = client.post(url, {"kind": "la_officer"})
    assert response.status_code == 302 and response["Location"].endswith("#portal")
    access = PortalAccess.objects.get()
    assert access.email == la.email and access.created_by == case_officer_cal
    assert mail.outbox[-1].to == [la.email]
    assert AuditEvent.objects.filter(verb="portal.invite", actor=case_officer_cal).exists()
    # inviting twice is refused with a reason
    response = client.post(url, {"kind": "la_officer"})
    assert response.status_code == 400 and "already has this access" in response.content.decode()


def test_child_views_invitation_goes_to_a_chosen_adult(client, portal_case, case_officer_cal):
    login(client, case_officer_cal)
    child = portal_case.parties.get(role="child")
    parent = portal_case.parties.get(role="parent_carer")
    url = f"/cases/{portal_case.reference}/portal/invite/{child.pk}/"
    assert parent.email in client.get(url).content.decode()
    response = client.post(url, {"kind": "child_views"})
    assert response.status_code == 400
    assert "Select who the link should be emailed to" in response.content.decode()
    response = client.post(url, {"kind": "child_views", "send_to_party": str(parent.pk)})
    assert response.status_code == 302
    access = PortalAccess.objects.get()
    assert access.party == child and access.email == parent.email
    assert mail.outbox[-1].subject == f"A link to share your views – {portal_case.reference}"


def test_no_invitation_for_people_without_an_address_or_a_portal_role(
    client, portal_case, case_officer_cal
):
    from mediation.cases.models import Party

    login(client, case_officer_cal)
    supporter = Party.objects.create(
        case=portal_case, role="supporter", name="Grace", email="grace@example.com"
    )
    assert (
        client.get(f"/cases/{portal_case.reference}/portal/invite/{supporter.pk}/").status_code
        == 404
    )
    with pytest.raises(errors.ServiceError):
        services.access_invite(
            case=portal_case, party=supporter, kind="parent", by=case_officer_cal
        )


def test_case_page_panel_shows_access_delivery_and_requests(client, invited, case_officer_cal):
    case = invited["parent"].case
    services.request_add(access=invited["parent"], kind="supporter", details="Name: Grace")
    login(client, case_officer_cal)
    body = client.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="portal"' in body
    assert "Invitation" in body and "email sent" in body
    assert "Send a new link" in body and "Revoke" in body
    assert "(links go to sarah.whitfield@example.com)" in body  # the child's views link
    assert "asked for a supporter to attend" in body and "Name: Grace" in body
    request = PortalRequest.objects.get()
    response = client.post(f"/cases/{case.reference}/portal/requests/{request.pk}/done/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.dealt_with_by == case_officer_cal
    assert "Name: Grace" not in client.get(f"/cases/{case.reference}/").content.decode()


def test_the_assigned_mediator_sees_the_panel_without_buttons(client, invited, mediator_mia):
    login(client, mediator_mia)
    body = client.get(f"/cases/{invited['parent'].case.reference}/").content.decode()
    assert 'id="portal"' in body
    assert "Send a new link" not in body and "Invite to the portal" not in body


def test_resend_and_revoke_from_the_panel(client, invited, case_officer_cal):
    case = invited["parent"].case
    access = invited["la_officer"]
    login(client, case_officer_cal)
    before = len(mail.outbox)
    assert client.post(f"/cases/{case.reference}/portal/{access.pk}/new-link/").status_code == 302
    assert len(mail.outbox) == before + 1
    assert access.links.filter(revoked_at__isnull=True, used_at__isnull=True).count() == 1
    url = f"/cases/{case.reference}/portal/{access.pk}/revoke/"
    # it asks first: the page, and a POST without the confirmation, change nothing
    asked = client.get(url)
    assert asked.status_code == 200 and "Revoke portal access" in asked.content.decode()
    assert client.post(url).status_code == 200
    access.refresh_from_db()
    assert access.revoked_at is None
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    access.refresh_from_db()
    assert access.revoked_by == case_officer_cal
    assert access.links.filter(revoked_at__isnull=True, used_at__isnull=True).count() == 0
    # a second revoke or a new link for a revoked access is refused with a message, not a 500
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert client.post(f"/cases/{case.reference}/portal/{access.pk}/new-link/").status_code == 302
    # and they can be invited again
    la = case.parties.get(role="la_representative")
    services.access_invite(case=case, party=la, kind="la_officer", by=case_officer_cal)


def test_staff_panel_query_count_does_not_grow(
    invited, case_officer_cal, django_assert_num_queries
):
    from mediation.cases.models import Party

    case = invited["parent"].case
    # parties, accesses, their links with their emails' status, requests, notices
    with django_assert_num_queries(5):
        staff_panel(case)
    for n in range(4):
        party = Party.objects.create(
            case=case, role="information_provider", name=f"P{n}", email=f"p{n}@example.org"
        )
        services.access_invite(
            case=case, party=party, kind="information_provider", by=case_officer_cal
        )
    with django_assert_num_queries(5):
        panel = staff_panel(case)
    assert sum(len(row.accesses) for row in panel.parties) == 8


def test_invitation_email_wording():
    from mediation.portal.models import LinkPurpose

    for purpose in LinkPurpose.values:
        subject, body = services.email_wording(purpose)
        assert "[one-time link]" in body
        assert "/portal/new-link/" in body
