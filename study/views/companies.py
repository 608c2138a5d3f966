"""The company page: the questions members were asked at a company, most
reported first, with the levels and years; never who reported them."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from study import companies
from study.models import Company

QUESTIONS_PER_PAGE = 30


@require_GET
def company_detail(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company, slug=slug)
    paginator = Paginator(companies.company_questions(company), QUESTIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = companies.attach_levels_and_years(page.object_list, company)
    return render(request, "study/company.html", {"company": company, "page": page})
