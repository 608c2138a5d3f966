from accounts.models import User

from .models import EmailSetting, Notification, QuestionFollow, TopicFollow


def forget_member(*, user: User) -> None:
    """A deleted account keeps nothing here: its inbox, follows and e-mail settings go."""
    for model, field in [
        (Notification, "recipient"),
        (QuestionFollow, "user"),
        (TopicFollow, "user"),
        (EmailSetting, "user"),
    ]:
        model.objects.filter(**{field: user}).delete()
