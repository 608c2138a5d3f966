"""A console mail backend for development that prints what a person reads.

Django's console backend prints the raw MIME message: a body with long lines
is quoted-printable (``=3D`` for ``=``, lines cut with ``=`` at 76 characters),
so a verification or password-reset link cannot be clicked or copied whole.
This one prints the main headers and each text part decoded, links intact.
"""

from django.core.mail.backends.console import EmailBackend

SHOWN_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date")


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message) -> None:
        mime = message.message()
        lines = [f"{name}: {mime[name]}" for name in SHOWN_HEADERS if mime[name]]
        if message.bcc and not mime["Bcc"]:
            lines.append(f"Bcc: {', '.join(message.bcc)}")
        others = []
        for part in mime.walk():
            if part.is_multipart():
                continue
            filename = part.get_filename()
            if part.get_content_type() == "text/plain" and not filename:
                lines += ["", part.get_content().rstrip("\n")]
            else:
                others.append(filename or part.get_content_type())
        if others:
            lines += ["", "Also in this message (not shown): " + ", ".join(others)]
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
