"""Companies named in "I was asked this" reports, and the aliases moderators
keep so that one company is counted once ("Meta" and "Facebook").

The writes and reads live in ``study.companies``."""

from django.db import models
from django.db.models import Q
from django.urls import reverse


def company_key(name: str) -> str:
    """What tells two company names apart: not case, not spacing."""
    return " ".join(name.casefold().split())


class Company(models.Model):
    """A company members were interviewed at; its page lists the questions asked there."""

    name = models.CharField(max_length=80, help_text="As shown on the site.")
    slug = models.SlugField(max_length=90, unique=True, help_text="Its page: /companies/<slug>/.")
    key = models.CharField(
        max_length=80,
        unique=True,
        help_text="The name in lower case with single spaces: reports naming it so match.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        constraints = [models.CheckConstraint(condition=~Q(key=""), name="company_key_not_empty")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("company_detail", args=[self.slug])


class CompanyAlias(models.Model):
    """Another name of a company, kept by moderators: reports naming it count for
    the company (adding one merges a company already known by that name)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=80)
    key = models.CharField(max_length=80, unique=True, help_text="The name normalised.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "company aliases"
        constraints = [models.CheckConstraint(condition=~Q(key=""), name="alias_key_not_empty")]

    def __str__(self) -> str:
        return f"{self.name} → {self.company}"
