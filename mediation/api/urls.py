from django.urls import path

from . import views

app_name = "api_access"

urlpatterns = [
    path("manage/api/", views.access_home, name="home"),
    path("manage/api/<int:authority_id>/", views.authority_access, name="authority"),
    path("manage/api/<int:authority_id>/tokens/new/", views.token_new, name="token-new"),
    path("manage/api/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("manage/api/<int:authority_id>/webhooks/new/", views.endpoint_new, name="endpoint-new"),
    path("manage/api/webhooks/<int:endpoint_id>/", views.endpoint_detail, name="endpoint"),
    path(
        "manage/api/webhooks/<int:endpoint_id>/remove/",
        views.endpoint_remove_view,
        name="endpoint-remove",
    ),
]
