"""How long does a certificate PDF take to render? `manage.py bench_certificate --runs 10`

Renders the certificate of a case that has one (the newest), the same template and WeasyPrint
call as issuing it (mediation.documents.rendering), without storing or sending anything.
Prints a markdown table row.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mediation.documents import rendering
from mediation.documents.models import Certificate


class Command(BaseCommand):
    help = "Benchmark rendering a certificate PDF."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=10)

    def handle(self, *args: Any, runs: int, **options: Any) -> None:
        certificate = (
            Certificate.objects.select_related("case", "case__local_authority", "issued_by")
            .order_by("-issued_on", "-id")
            .first()
        )
        if certificate is None:
            raise CommandError("No certificate in the database: run generate_cases first.")
        facts = rendering.CertificateFacts(
            reference=certificate.reference,
            code=certificate.verification_code,
            kind=certificate.kind,
            issued_on=certificate.issued_on,
            adviser=certificate.issued_by.display_name,
            appeal_deadline=certificate.appeal_deadline,
            appeal_deadline_why=certificate.appeal_deadline_why,
        )
        context = rendering.certificate_context(certificate.case, facts)
        rendering.render_document("documents/certificate.html", context)  # warm: fonts, imports
        timings = []
        size = 0
        for _ in range(runs):
            started = time.perf_counter()
            _html, pdf = rendering.render_document("documents/certificate.html", context)
            timings.append(time.perf_counter() - started)
            size = len(pdf)
        timings.sort()
        median = timings[len(timings) // 2]
        self.stdout.write("| what | runs | median ms | slowest ms | PDFs per second | bytes |")
        self.stdout.write("|---|---:|---:|---:|---:|---:|")
        self.stdout.write(
            f"| certificate PDF (WeasyPrint, PDF/UA) | {runs} | {median * 1000:.0f} | "
            f"{timings[-1] * 1000:.0f} | {1 / median:.1f} | {size:,} |"
        )
