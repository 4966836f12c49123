from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

from mediation.search.indexes import ensure_search_index


def _search_index_check(sender, using="default", **kwargs) -> None:  # noqa: ANN001
    ensure_search_index(connections[using])


class CasesConfig(AppConfig):
    name = "mediation.cases"
    label = "cases"

    def ready(self) -> None:
        # SQLite drops a table's triggers when a migration rebuilds the table: put the search
        # triggers back (and refill the search tables) after every migrate.
        post_migrate.connect(_search_index_check, sender=self, dispatch_uid="cases-search-index")
