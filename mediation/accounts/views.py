from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from mediation.accounts.forms import SignInForm, StaffUserForm
from mediation.accounts.models import User
from mediation.accounts.services import staff_user_save
from mediation.common.views import render_form_page, staff_view


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # Tell the browser to drop anything it kept from the session (ASVS 14.3.1).
        response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


def _can_manage(user) -> bool:  # type: ignore[no-untyped-def]
    return user.can_manage_service


@staff_view(_can_manage)
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.order_by("-is_active", "first_name", "last_name")
    return render(request, "accounts/user_list.html", {"users": users})


@staff_view(_can_manage)
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    instance = get_object_or_404(User, pk=user_id) if user_id else User()
    form = StaffUserForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            user = staff_user_save(
                user=form.save(commit=False),
                password=form.cleaned_data["password"],
                by=request.user,
                request=request,
            )
            messages.success(request, f"Saved {user.display_name}")
            return redirect("manage:users")
        return render_form_page(
            request, "accounts/user_form.html", {"form": form, "editing": instance}, invalid=True
        )
    return render(request, "accounts/user_form.html", {"form": form, "editing": instance})
