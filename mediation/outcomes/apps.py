from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mediation.outcomes"
    label = "outcomes"
    verbose_name = "Outcome statements and agreed actions"

    def ready(self) -> None:
        # The deadlines app sits below this one, so it cannot import the agreed actions it
        # needs for their clocks: hand it the reader (mediation.deadlines.clocks).
        from mediation.deadlines.clocks import (  # noqa: PLC0415 (apps load before models)
            agreed_actions_many_source,
            agreed_actions_source,
        )
        from mediation.outcomes.selectors import (  # noqa: PLC0415 (apps load before models)
            final_action_facts,
            final_action_facts_many,
            outcome_finalised_on,
        )

        agreed_actions_source(final_action_facts, outcome_finalised_on)
        agreed_actions_many_source(final_action_facts_many)
