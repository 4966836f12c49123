"""Who sees which uploads and children's views."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from mediation.uploads import selectors, services
from mediation.uploads.models import Purpose
from mediation.uploads.tests import samples
from mediation.uploads.tests.samples import upload

pytestmark = pytest.mark.django_db

VIEWS: dict[str, Any] = {
    "given_via": "phone",
    "going_well": "Art",
    "hard": "Maths",
    "would_like": "More help",
    "who_helps": "Mum",
    "helped_by": "",
}


@pytest.fixture
def files(open_case, case_officer_cal, parent, la_officer, child):
    def store(name, **kwargs):
        return services.upload_store(open_case, upload(name, samples.PDF), **kwargs)

    made = {
        "parent_own": store("parent.pdf", purpose=Purpose.PARTY_FILE, by_party=parent),
        "la_shared": store("la.pdf", purpose=Purpose.LA_FILE, by_party=la_officer),
        "la_private": store("la2.pdf", purpose=Purpose.LA_FILE, by_party=la_officer),
        "staff": store("staff.pdf", purpose=Purpose.STAFF_FILE, by_user=case_officer_cal),
        "removed": store("old.pdf", purpose=Purpose.PARTY_FILE, by_party=parent),
    }
    services.upload_share(made["la_shared"], by_user=case_officer_cal, shared=True)
    services.upload_remove(made["removed"], by_user=case_officer_cal, reason="Wrong file")
    everyone = services.child_views_record(
        open_case,
        by_party=child,
        share_with="everyone",
        attachments=[upload("me.png", samples.image("PNG"))],
        **{**VIEWS, "given_via": "portal"},
    )
    private = services.child_views_record(
        open_case,
        by_user=case_officer_cal,
        share_with="mediator_only",
        attachments=[upload("secret.png", samples.image("PNG"))],
        **VIEWS,
    )
    made["child_everyone"] = everyone.attachments.get()
    made["child_private"] = private.attachments.get()
    services.upload_share(made["child_everyone"], by_user=case_officer_cal, shared=True)
    return made


def _names(queryset, files):
    ids = set(queryset.values_list("pk", flat=True))
    return {name for name, item in files.items() if item.pk in ids}


ALL_LIVE = {"parent_own", "la_shared", "la_private", "staff", "child_everyone", "child_private"}


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("case_officer_cal", ALL_LIVE),
        ("case_officer_cleo", ALL_LIVE),
        ("manager_sue", ALL_LIVE),
        ("admin_ada", ALL_LIVE),
        ("mediator_mia", ALL_LIVE),
        ("mediator_max", set()),
    ],
)
def test_staff_see_every_live_upload_of_a_case_they_can_see(open_case, files, cast, user, expected):
    assert _names(selectors.case_uploads(open_case, for_user=cast[user]), files) == expected


def test_a_party_sees_its_own_and_the_shared(open_case, files, parent, la_officer, child):
    assert _names(selectors.case_uploads(open_case, for_party=parent), files) == {
        "parent_own",
        "la_shared",
        "child_everyone",
    }
    assert _names(selectors.case_uploads(open_case, for_party=la_officer), files) == {
        "la_shared",
        "la_private",
        "child_everyone",
    }
    assert _names(selectors.case_uploads(open_case, for_party=child), files) == {
        "la_shared",
        "child_everyone",
    }


def test_mediator_only_views_never_reach_a_party_even_if_flagged_shared(open_case, files, parent):
    # Forced past the service, which refuses it: the selector still hides them.
    type(files["child_private"]).objects.filter(pk=files["child_private"].pk).update(
        shared_with_parties=True
    )
    assert "child_private" not in _names(selectors.case_uploads(open_case, for_party=parent), files)


def test_a_party_of_another_case_sees_nothing(open_case, files, enquiry):
    from mediation.cases.models import Party

    stranger = Party(case_id=open_case.pk + 1000, role="parent_carer", name="Stranger")
    assert not selectors.case_uploads(open_case, for_party=stranger).exists()


def test_exactly_one_viewer(open_case, parent, case_officer_cal):
    with pytest.raises(ValueError):
        selectors.case_uploads(open_case)
    with pytest.raises(ValueError):
        selectors.case_uploads(open_case, for_user=case_officer_cal, for_party=parent)


@pytest.mark.parametrize(
    ("user", "count"),
    [
        ("case_officer_cal", 2),
        ("case_officer_cleo", 2),
        ("manager_sue", 2),
        ("mediator_mia", 2),
        ("mediator_max", 0),
    ],
)
def test_child_views_for_staff(open_case, files, cast, user, count):
    views = list(selectors.case_child_views(open_case, for_user=cast[user]))
    assert len(views) == count
    for item in views:
        assert len(item.live_attachments) == 1


def test_a_party_sees_only_the_views_it_sent(open_case, files, child, parent):
    sent = list(selectors.case_child_views(open_case, for_party=child))
    assert [v.submitted_via_party for v in sent] == [child]
    assert not selectors.case_child_views(open_case, for_party=parent).exists()
    with pytest.raises(ValueError):
        selectors.case_child_views(open_case)


def test_removed_attachment_leaves_the_views(open_case, files, case_officer_cal):
    services.upload_remove(files["child_private"], by_user=case_officer_cal, reason="Duplicate")
    views = selectors.case_child_views(open_case, for_user=case_officer_cal)
    assert sorted(len(v.live_attachments) for v in views) == [0, 1]


def test_access_upload(open_case, files, case_officer_cal, mediator_max):
    found = selectors.access_upload(
        user=case_officer_cal, reference=open_case.reference, upload_id=files["staff"].pk
    )
    assert found == files["staff"]
    with pytest.raises(Http404):
        selectors.access_upload(
            user=case_officer_cal, reference=open_case.reference, upload_id=files["removed"].pk
        )
    with pytest.raises(Http404):
        selectors.access_upload(
            user=mediator_max, reference=open_case.reference, upload_id=files["staff"].pk
        )
