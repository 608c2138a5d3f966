"""Following questions and topics: automatic, and by the buttons."""

from django.urls import reverse

from notifications.models import Event, Notification, QuestionFollow, TopicFollow
from questions import services
from tests.factories import QuestionFactory, TopicFactory

from .conftest import inbox

HTMX = {"HX-Request": "true"}


def test_asking_answering_and_commenting_follow_the_question(question, member, other_member):
    services.answer_question(user=member, question=question, body="An answer of mine.")
    services.add_comment(author=other_member, question=question, body="A comment of mine.")
    asked = services.submit_question(user=member, title="Is batch norm a regulariser at all?")
    followed = set(QuestionFollow.objects.values_list("user_id", "question_id"))
    assert followed == {
        (member.pk, question.pk),
        (other_member.pk, question.pk),
        (member.pk, asked.pk),
    }


def test_follow_and_unfollow_a_question_with_and_without_htmx(client, member, question):
    client.force_login(member)
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'id="follow-question"' in page
    assert ">Follow</button>" in page
    url = reverse("follow_question", args=[question.pk])
    response = client.post(url, {"follow": "1"})
    assert (response.status_code, response["Location"]) == (302, question.get_absolute_url())
    assert QuestionFollow.objects.filter(user=member, question=question).exists()
    assert ">Unfollow</button>" in client.get(question.get_absolute_url()).content.decode()
    fragment = client.post(url, {"follow": "0"}, headers=HTMX)
    assert fragment.status_code == 200
    assert ">Follow</button>" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert not QuestionFollow.objects.filter(user=member, question=question).exists()


def test_an_unfollowed_question_sends_no_more_answers(after_commit, question, member, other_member):
    services.add_comment(author=member, question=question, body="Following by commenting.")
    QuestionFollow.objects.filter(user=member).delete()
    with after_commit():
        services.answer_question(user=other_member, question=question, body="A later answer.")
    assert inbox(member) == []


def test_visitors_see_no_follow_button_and_cannot_follow(client, question):
    assert 'id="follow-question"' not in client.get(question.get_absolute_url()).content.decode()
    response = client.post(reverse("follow_question", args=[question.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not QuestionFollow.objects.exists()


def test_an_unpublished_question_cannot_be_followed(client, member):
    question = QuestionFactory(status="pending")
    client.force_login(member)
    assert client.post(reverse("follow_question", args=[question.pk])).status_code == 404


def test_follow_a_topic_and_hear_of_its_new_questions(after_commit, client, member, moderator):
    topic = TopicFactory(name="Optimisation")
    client.force_login(member)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Follow Optimisation" in page
    client.post(reverse("follow_topic", args=[topic.slug]), {"follow": "1"})
    assert TopicFollow.objects.filter(user=member, topic=topic).exists()
    assert "Unfollow Optimisation" in client.get(topic.get_absolute_url()).content.decode()
    with after_commit():
        question = QuestionFactory(status="pending", topics=[topic])
        from questions.services import moderation

        moderation.publish(moderator=moderator, target=question)
    assert inbox(member) == [(Event.TOPIC_QUESTION, None)]
    client.post(reverse("follow_topic", args=[topic.slug]), {"follow": "0"})
    assert not TopicFollow.objects.exists()
    Notification.objects.all().delete()
    with after_commit():
        other = QuestionFactory(status="pending", topics=[topic])
        moderation.publish(moderator=moderator, target=other)
    assert inbox(member) == []


def test_an_unknown_topic_is_a_404(client, member):
    client.force_login(member)
    assert client.post(reverse("follow_topic", args=["no-such-topic"])).status_code == 404


def test_merging_moves_follows_and_notifications_to_the_kept_question(
    member, other_member, moderator
):
    from questions.services import moderation

    kept, duplicate = QuestionFactory(), QuestionFactory()
    services.add_comment(author=member, question=duplicate, body="On the duplicate.")
    services.add_comment(author=other_member, question=duplicate, body="Me too.")
    services.add_comment(author=other_member, question=kept, body="And on the kept one.")
    note = Notification.objects.create(
        recipient=member, event=Event.ANSWER_TO_FOLLOWED, kind="answer", question=duplicate
    )
    moderation.merge_questions(moderator=moderator, duplicate=duplicate, into=kept)
    followers = set(QuestionFollow.objects.filter(question=kept).values_list("user_id", flat=True))
    assert followers == {member.pk, other_member.pk}
    note.refresh_from_db()
    assert note.question == kept
