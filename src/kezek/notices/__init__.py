"""Notices to citizens (HTML and PDF in kk/ru/en) and the SMS / e-mail outbox."""
