from django.urls import path

from mediation.invoicing import views

app_name = "invoicing"

urlpatterns = [
    path("manage/invoices/", views.invoice_list, name="list"),
    path("manage/invoices/new/", views.invoice_new, name="new"),
    path("manage/invoices/issue/", views.invoice_issue, name="issue"),
    path("manage/invoices/tariffs/", views.tariff_authorities, name="tariff-authorities"),
    path("manage/invoices/tariffs/<int:authority_id>/", views.tariff_list, name="tariffs"),
    path("manage/invoices/tariffs/<int:authority_id>/new/", views.tariff_edit, name="tariff-new"),
    path(
        "manage/invoices/tariffs/<int:authority_id>/<int:tariff_id>/",
        views.tariff_edit,
        name="tariff-edit",
    ),
    path(
        "manage/invoices/tariffs/contracts/<int:contract_id>/",
        views.contract_tariff_list,
        name="contract-tariffs",
    ),
    path(
        "manage/invoices/tariffs/contracts/<int:contract_id>/new/",
        views.contract_tariff_edit,
        name="contract-tariff-new",
    ),
    path(
        "manage/invoices/tariffs/contracts/<int:contract_id>/<int:tariff_id>/",
        views.contract_tariff_edit,
        name="contract-tariff-edit",
    ),
    path("manage/invoices/<str:number>/", views.invoice_detail, name="detail"),
    path("manage/invoices/<str:number>/pdf/", views.invoice_pdf, name="pdf"),
    path("manage/invoices/<str:number>/csv/", views.invoice_csv, name="csv"),
    path("manage/invoices/<str:number>/send/", views.invoice_send, name="send"),
    path(
        "manage/invoices/<str:number>/credit-notes/new/",
        views.credit_note_new,
        name="credit-note-new",
    ),
    path(
        "manage/invoices/<str:number>/credit-notes/<str:note>/pdf/",
        views.credit_note_pdf,
        name="credit-note-pdf",
    ),
    path(
        "manage/invoices/<str:number>/credit-notes/<str:note>/csv/",
        views.credit_note_csv,
        name="credit-note-csv",
    ),
]
