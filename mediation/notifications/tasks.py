from django_tasks import task

from mediation.notifications.services import message_send, messages_send_pending


@task()
def send_message_task(message_id: int) -> bool:
    return message_send(message_id=message_id)


@task()
def send_pending_messages_task() -> int:
    return messages_send_pending()
