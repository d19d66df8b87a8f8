"""An email backend that always fails, standing in for a mail server that is down."""

from django.core.mail.backends.base import BaseEmailBackend


class MailServerDown(ConnectionError):
    pass


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise MailServerDown("connection refused")
