from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView

from mediation.accounts import step_up as account_step_up
from mediation.accounts import views as account_views
from mediation.api.api import api as la_api
from mediation.authorities import views as authority_views
from mediation.cases import urls as case_file_urls
from mediation.cases import views as case_file_views
from mediation.common import csp
from mediation.deadlines import views as deadline_views
from mediation.ops.webhooks import delivery_webhook
from mediation.workflow import urls as workflow_urls

manage_urlpatterns = (
    [
        path("", authority_views.manage_home, name="home"),
        path("service-details/", authority_views.service_details, name="service-details"),
        path("local-authorities/", authority_views.authority_list, name="authorities"),
        path("local-authorities/new/", authority_views.authority_edit, name="authority-new"),
        path(
            "local-authorities/<int:authority_id>/",
            authority_views.authority_edit,
            name="authority-edit",
        ),
        path("contracts/", authority_views.contract_list, name="contracts"),
        path("contracts/new/", authority_views.contract_edit, name="contract-new"),
        path("contracts/<int:contract_id>/", authority_views.contract_edit, name="contract-edit"),
        path("closure-days/", deadline_views.closure_days, name="closure-days"),
        path(
            "closure-days/<int:closure_id>/remove/",
            deadline_views.closure_day_remove,
            name="closure-day-remove",
        ),
        path(
            "calendar-changes/<int:change_id>/",
            deadline_views.calendar_change,
            name="calendar-change",
        ),
        path("users/", account_views.user_list, name="users"),
        path("users/new/", account_views.user_edit, name="user-new"),
        path("users/<int:user_id>/", account_views.user_edit, name="user-edit"),
        path(
            "users/<int:user_id>/reset-authenticator/",
            account_views.user_two_factor_reset,
            name="user-two-factor-reset",
        ),
        path("issues/", case_file_views.issue_themes, name="issue-themes"),
        path("issues/new/", case_file_views.issue_theme_edit, name="issue-theme-new"),
        path("issues/<int:theme_id>/", case_file_views.issue_theme_edit, name="issue-theme-edit"),
        path("mediators/", account_views.mediators, name="mediators"),
        path(
            "mediators/<int:user_id>/registration/",
            account_views.mediator_registration,
            name="mediator-registration",
        ),
        path("mediators/<int:user_id>/cpd/", account_views.mediator_cpd, name="mediator-cpd"),
        path(
            "users/<int:user_id>/conflicts/",
            case_file_views.mediator_conflicts,
            name="mediator-conflicts",
        ),
    ],
    "manage",
)

# The staff's pages about cases and enquiries come from two apps: the case file (cases) and the
# pages built on a case's steps and clocks (workflow). One namespace each, as before.
case_urlpatterns = (case_file_urls.case_urlpatterns + workflow_urls.case_urlpatterns, "cases")
enquiry_urlpatterns = (
    case_file_urls.enquiry_urlpatterns + workflow_urls.enquiry_urlpatterns,
    "enquiries",
)

account_urlpatterns = (
    [
        path("sign-in/", account_views.SignInView.as_view(), name="sign-in"),
        path("sign-out/", account_views.SignOutView.as_view(), name="sign-out"),
        path("sign-in/code/", account_views.two_factor, name="two-factor"),
        path("sign-in/confirm/", account_step_up.step_up, name="step-up"),
        path(
            "sign-in/set-up-authenticator/", account_views.two_factor_setup, name="two-factor-setup"
        ),
    ],
    "accounts",
)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:my-work", permanent=False)),
    path("", include(account_urlpatterns)),
    path("", include(case_urlpatterns)),
    path("", include("mediation.parties.urls")),
    path("", include("mediation.meetings.urls")),
    path("", include("mediation.documents.urls")),
    path("", include("mediation.outcomes.urls")),
    path("enquiries/", include(enquiry_urlpatterns)),
    path("manage/", include(manage_urlpatterns)),
    path("", include("mediation.uploads.urls")),
    path("portal/", include("mediation.portal.urls")),
    path("", include("mediation.portal.staff_urls")),
    path("", include("mediation.reports.urls")),
    path("", include("mediation.invoicing.urls")),
    path("", include("mediation.privacy.urls")),
    path("", include("mediation.privacy.audit_log_urls")),
    path("", include("mediation.exchange.urls")),
    path("", include("mediation.feedback.urls")),
    path("csp-report/", csp.csp_report, name="csp-report"),
    path("api/v1/", la_api.urls),
    path("", include("mediation.api.urls")),
    path("", include("mediation.calendar_feeds.urls")),
    path("", include("mediation.ops.urls")),
]
if settings.EMAIL_PROVIDER:
    # The email provider's delivery reports (django-anymail; ADR 0040): only the configured
    # provider's tracking webhook, behind anymail's authentication.
    urlpatterns.append(
        path("email/events/", delivery_webhook(settings.EMAIL_PROVIDER), name="email-events")
    )
if settings.SHOW_DEV_OUTBOX:
    # Development only: production settings have no outbox page at all.
    urlpatterns.append(path("outbox/", include("mediation.notifications.urls")))

handler404 = "mediation.common.error_pages.not_found"
handler403 = "mediation.common.error_pages.forbidden"
handler500 = "mediation.common.error_pages.server_error"
