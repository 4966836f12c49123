from django_tasks import task

from mediation.webhooks.services import webhook_deliver, webhooks_enqueue_due


@task()
def deliver_webhook_task(delivery_id: int) -> bool:
    return webhook_deliver(delivery_id=delivery_id)


@task()
def enqueue_due_webhooks_task() -> int:
    return webhooks_enqueue_due()
