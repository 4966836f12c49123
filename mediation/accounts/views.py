from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from mediation.accounts import two_factor as two_factor_devices
from mediation.accounts.forms import (
    MediatorCpdForm,
    MediatorRegistrationForm,
    SignInForm,
    StaffUserForm,
    TwoFactorCodeForm,
)
from mediation.accounts.models import MediatorCpd, MediatorRegistration, Role, User
from mediation.accounts.register import mediators_register, registration_of
from mediation.accounts.services import (
    mediator_cpd_save,
    mediator_registration_save,
    security_notice,
    staff_two_factor_reset,
    staff_user_save,
)
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.services import audit_record
from mediation.common.views import manager_view, refusal_shown_on, render_form_page


class SignInView(auth_views.LoginView):
    """Step one: username and password. Step two (the code) is enforced by middleware."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=form.get_user(), verb="auth.sign_in_password", request=self.request)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        audit_record(actor=None, verb="auth.sign_in_failed", request=self.request)
        return super().form_invalid(form)

    def get_success_url(self) -> str:
        target = self.get_redirect_url()
        step = reverse("accounts:two-factor")
        # Encoded: an address holding "&" or "#" must come back whole, not as extra parameters.
        return f"{step}?{urlencode({'next': target})}" if target else step


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(actor=request.user, verb="auth.sign_out", request=request)
        response = super().post(request, *args, **kwargs)
        # Tell the browser to drop anything it kept from the session (ASVS 14.3.1).
        response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


@manager_view
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    users = User.objects.order_by("-is_active", "first_name", "last_name")
    return render(request, "accounts/user_list.html", {"users": users})


@manager_view
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthenticatedHttpRequest, user_id: int | None = None) -> HttpResponse:
    instance = get_object_or_404(User, pk=user_id) if user_id else User()
    form = StaffUserForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            user = staff_user_save(
                user=form.save(commit=False),
                password=form.cleaned_data["password"],
                employed_by=form.cleaned_data["employed_by_authorities"],
                by=request.user,
                request=request,
            )
            if user.pk == request.user.pk:
                # A change to one's own account (a new password or role): the session goes on
                # with a new key, and with the new password's hash (the others were ended).
                update_session_auth_hash(request, user)
            messages.success(request, f"Saved {user.display_name}")
            return redirect("manage:users")
        return render_form_page(
            request, "accounts/user_form.html", {"form": form, "editing": instance}, invalid=True
        )
    return render(request, "accounts/user_form.html", {"form": form, "editing": instance})


# The mediators' register -----------------------------------------------------------------------


@manager_view
def mediators(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every mediator's registration, accreditation and CPD; renewals due in the next 60 days
    and lapsed registrations first."""
    register = mediators_register(today=timezone.localdate())
    # Staff members' registration details: the read is recorded.
    audit_record(
        actor=request.user,
        verb="mediator_register.view",
        request=request,
        detail={"mediators": len(register.rows)},
    )
    return render(request, "accounts/mediators.html", {"register": register})


def _mediator(user_id: int) -> User:
    return get_object_or_404(
        User.objects.select_related("registration"), pk=user_id, role=Role.MEDIATOR
    )


@manager_view
@require_http_methods(["GET", "POST"])
def mediator_registration(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    mediator = _mediator(user_id)
    entry: MediatorRegistration | None = getattr(mediator, "registration", None)
    initial = (
        {
            name: getattr(entry, name)
            for name in ("register", "number", "renews_on", "accreditation", "accredited_on")
        }
        if entry
        else None
    )
    form = MediatorRegistrationForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            saved = mediator_registration_save(
                mediator=mediator, by=request.user, data=form.cleaned_data, request=request
            )
            messages.success(
                request,
                f"Saved {mediator.display_name}'s registration: renewal due by "
                f"{saved.renews_on:%-d %B %Y}",
            )
            return redirect("manage:mediators")
    audit_record(
        actor=request.user, verb="mediator_register.view", target=mediator, request=request
    )
    context = {
        "mediator": mediator,
        "form": form,
        "registration": registration_of(mediator, timezone.localdate()),
    }
    return render_form_page(
        request, "accounts/mediator_registration.html", context, invalid=request.method == "POST"
    )


@manager_view
@require_http_methods(["GET", "POST"])
def mediator_cpd(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    mediator = _mediator(user_id)
    form = MediatorCpdForm(
        request.POST if request.method == "POST" else None,
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            cpd = mediator_cpd_save(
                mediator=mediator, by=request.user, data=form.cleaned_data, request=request
            )
            messages.success(
                request, f"Saved {mediator.display_name}'s CPD for {cpd.year}: {cpd.hours} hours"
            )
            return redirect("manage:mediator-cpd", user_id=mediator.pk)
    audit_record(
        actor=request.user, verb="mediator_register.view", target=mediator, request=request
    )
    years = list(MediatorCpd.objects.filter(mediator=mediator).order_by("-year"))
    return render_form_page(
        request,
        "accounts/mediator_cpd.html",
        {"mediator": mediator, "form": form, "years": years},
        invalid=request.method == "POST",
    )


@manager_view
@require_http_methods(["POST"])
def user_two_factor_reset(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id)
    try:
        staff_two_factor_reset(user=user, by=request.user, request=request)
    except ValueError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, f"{user.display_name} will set up an authenticator app at their next sign-in"
        )
    return redirect("manage:user-edit", user_id=user.pk)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Second step of signing in: a code from the authenticator app."""
    device = two_factor_devices.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:two-factor-setup")
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, device)
            request.session.cycle_key()  # a new session id for the fully signed-in session
            audit_record(actor=request.user, verb="auth.two_factor_verified", request=request)
            return redirect(_safe_next(request))
        audit_record(actor=request.user, verb="auth.two_factor_failed", request=request)
        return render_form_page(request, "accounts/two_factor.html", {"form": form}, invalid=True)
    return render(request, "accounts/two_factor.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """First sign-in: add the service to an authenticator app and prove it works."""
    if two_factor_devices.confirmed_device(request.user) is not None:
        return redirect("accounts:two-factor")
    device = two_factor_devices.pending_device(request.user)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None, device=device)
    context = {
        "form": form,
        "key": two_factor_devices.base32_key(device),
        "qr_svg": two_factor_devices.qr_svg(device),
    }
    if request.method == "POST":
        if form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session.cycle_key()  # a new session id for the fully signed-in session
            audit_record(actor=request.user, verb="auth.two_factor_added", request=request)
            security_notice(
                request.user,
                what="authenticator-added",
                subject="An authenticator app was set up for your account",
                body="An authenticator app was just set up for signing in to the case system.",
            )
            messages.success(request, "Your authenticator app is set up")
            return redirect("cases:my-work")
        return render_form_page(request, "accounts/two_factor_setup.html", context, invalid=True)
    return render(request, "accounts/two_factor_setup.html", context)


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("cases:my-work")
