"""The decision a case is about is stored with the domain's values and shown with its words."""

from django import forms

from mediation.cases.forms import EnquiryForm
from mediation.cases.models import Case, Enquiry
from mediation.domain.decisions import DECISION_CHOICES


def test_enquiries_cases_and_the_enquiry_form_offer_the_domain_s_decisions():
    for model in (Case, Enquiry):
        assert model._meta.get_field("decision_type").choices == DECISION_CHOICES
    field = EnquiryForm.base_fields["decision_type"]
    assert isinstance(field, forms.ChoiceField) and isinstance(field.choices, list)
    offered = [c for c in field.choices if c[0]]
    assert offered == DECISION_CHOICES
