"""factory_boy factories for the whole suite. Content goes through the services
(or their render step) so that stored HTML and the denormalised counters
(``answer_count``, ``bookmark_count``) are what the site would store: a
factory that skips a counter hides the bugs that the counter could have."""

import factory
from django.db.models import F

from accounts.models import User
from accounts.services import moderators_group
from questions.models import (
    Answer,
    Comment,
    Difficulty,
    Origin,
    Question,
    Source,
    SourceKind,
    Status,
    Topic,
)
from questions.search import index_questions
from study.models import Bookmark


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.django.Password("correct horse battery staple")


class VerifiedUserFactory(UserFactory):
    """A member who verified their e-mail address, as signing up requires (accounts
    made by hand, like UserFactory's, have none: their interview reports are held)."""

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class ModeratorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"moderator{n}")
    is_staff = True

    @factory.post_generation
    def moderators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(moderators_group())


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    url = "https://example.com/book/"
    kind = SourceKind.BOOK


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"What is the bias-variance trade-off, case {n}?")
    body = ""
    source = factory.SubFactory(SourceFactory)
    difficulty = Difficulty.MEDIUM
    status = Status.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        question = model_class(*args, **kwargs)
        question.render()
        question.save()
        index_questions([question.pk])
        return question

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer with its first revision; counters on the question follow."""

    class Meta:
        model = Answer

    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    body = "Regularisation trades a little bias for a lot less variance."
    origin = Origin.COMMUNITY
    status = Status.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from questions import services

        is_featured = kwargs.pop("is_featured", False)
        return services.create_answer(is_featured=is_featured, **kwargs)


class AIAnswerFactory(AnswerFactory):
    author = None
    origin = Origin.AI
    ai_model = "ChatGPT"
    body = "Overfitting is when a model memorises noise in the training data."


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    author = factory.SubFactory(UserFactory)
    answer = factory.SubFactory(AnswerFactory)
    question = None
    body = "Worth mentioning *early stopping* too."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        comment = model_class(*args, **kwargs)
        comment.render()
        comment.save()
        return comment


class BookmarkFactory(factory.django.DjangoModelFactory):
    """A bookmark made as a member makes one (``toggle_bookmark``), so the
    question's ``bookmark_count`` counts it; a note is saved by ``save_note``.
    On a question that is not published it is the bookmark made before the
    question was hidden: counted, as it was then."""

    class Meta:
        model = Bookmark

    user = factory.SubFactory(UserFactory)
    question = factory.SubFactory(QuestionFactory)

    @classmethod
    def _create(cls, model_class, *args, user, question, note: str = "", **fields):
        from study import services as study

        if question.status == Status.PUBLISHED:
            bookmark = study.toggle_bookmark(user=user, question=question)
        else:
            bookmark = model_class.objects.create(user=user, question=question)
            Question.objects.filter(pk=question.pk).update(bookmark_count=F("bookmark_count") + 1)
        if note:
            study.save_note(user=user, bookmark=bookmark, note=note)
        if fields:
            model_class.all_objects.filter(pk=bookmark.pk).update(**fields)
            bookmark.refresh_from_db()
        question.refresh_from_db(fields=["bookmark_count"])
        return bookmark


__all__ = [
    "AIAnswerFactory",
    "AnswerFactory",
    "BookmarkFactory",
    "CommentFactory",
    "ModeratorFactory",
    "QuestionFactory",
    "SourceFactory",
    "TopicFactory",
    "UserFactory",
]
