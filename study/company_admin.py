"""Companies and their aliases in the admin: moderators merge the names members
type ("Facebook" into "Meta") by adding an alias; a company's name is kept
normalised in its key. Imported by ``study.admin``."""

from django import forms
from django.contrib import admin
from django.db.models import Count

from mlqa_site.admin_mixins import ChangesPagesMixin

from . import companies
from .models import Company, CompanyAlias, company_key


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name", "slug"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if problem := companies.company_problem(name=name, company_pk=self.instance.pk):
            raise forms.ValidationError(problem)
        return name


class AliasInline(admin.TabularInline):
    model = CompanyAlias
    fields = ["name"]
    readonly_fields = ["name"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # added from the aliases' own page, which merges


@admin.register(Company)
class CompanyAdmin(ChangesPagesMixin, admin.ModelAdmin):
    form = CompanyForm
    list_display = ["name", "slug", "report_count"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]

    def get_queryset(self, request):
        # A GROUP BY drops Meta.ordering: order again, for stable pages.
        return (
            super().get_queryset(request).annotate(report_total=Count("reports")).order_by("name")
        )

    @admin.display(description="reports", ordering="report_total")
    def report_count(self, obj) -> int:
        return obj.report_total

    def save_model(self, request, obj, form, change):
        obj.key = company_key(obj.name)
        super().save_model(request, obj, form, change)


class CompanyAliasForm(forms.ModelForm):
    class Meta:
        model = CompanyAlias
        fields = ["name", "company"]

    def clean(self):
        cleaned = super().clean()
        name, company = cleaned.get("name"), cleaned.get("company")
        if name and company:
            problem = companies.alias_problem(name=name, company=company, alias_pk=self.instance.pk)
            if problem:
                self.add_error("name", problem)
        return cleaned


@admin.register(CompanyAlias)
class CompanyAliasAdmin(ChangesPagesMixin, admin.ModelAdmin):
    """Another name of a company. Saving one merges the company already known by
    that name (its reports and aliases move, its page goes)."""

    form = CompanyAliasForm
    list_display = ["name", "company"]
    search_fields = ["name", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]

    def save_model(self, request, obj, form, change):
        moved = companies.save_alias(alias=obj)
        if moved:
            self.message_user(
                request, f"{moved} report{'s' if moved != 1 else ''} now count for {obj.company}."
            )
