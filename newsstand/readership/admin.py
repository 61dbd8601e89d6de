"""Admin for reads: the monthly publisher report with a chart per publisher and CSV export (staff who may view
reads, through the admin site's own login), each month's own revenue pool, and the read rows themselves (read-only)."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from newsstand.core import clock
from newsstand.readership import reports, rules, selectors
from newsstand.readership.models import Read, RevenuePool

CHART_MONTHS = 12
CHART_WIDTH, CHART_HEIGHT = 360, 80


@admin.register(RevenuePool)
class RevenuePoolAdmin(admin.ModelAdmin):
    list_display = ("month", "amount_cents", "note")


@admin.register(Read)
class ReadAdmin(admin.ModelAdmin):
    list_display = ("day", "reader", "publisher", "article", "dwell_seconds", "scroll")
    list_filter = ("day",)
    date_hierarchy = "day"
    list_select_related = ("publisher", "article")
    change_list_template = "readership/admin/read_change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Read | None = None) -> bool:
        return False

    def get_urls(self):
        return [
            path("report/", self._for_viewers(self.report_view), name="readership_read_report"),
            path("report.csv", self._for_viewers(self.report_csv), name="readership_read_report_csv"),
            *super().get_urls(),
        ]

    def _for_viewers(self, view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
        """Staff only (the admin's login), and of them only those who may view reads (`readership.view_read`, or
        superusers): being staff for another part of the admin does not show what each publisher earns."""

        @wraps(view)
        def guarded(request: HttpRequest) -> HttpResponse:
            if not self.has_view_permission(request):
                raise PermissionDenied
            return view(request)

        return self.admin_site.admin_view(guarded)

    def report_view(self, request: HttpRequest) -> HttpResponse:
        month = self._month(request)
        months = rules.months_ending(month, CHART_MONTHS)
        labels = [f"{m:%Y-%m}" for m in months]
        charts = [
            (series, reports.bars(series.reads, labels, width=CHART_WIDTH, height=CHART_HEIGHT))
            for series in selectors.reads_by_month(months)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reads for publishers, {month:%Y-%m}",
            "opts": self.model._meta,
            "report": selectors.month_report(month),
            "previous": f"{rules.previous_month(month):%Y-%m}",
            "next": f"{rules.next_month(month):%Y-%m}",
            "charts": charts,
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
            "first_label": labels[0],
            "last_label": labels[-1],
        }
        return TemplateResponse(request, "readership/admin/report.html", context)

    def report_csv(self, request: HttpRequest) -> HttpResponse:
        report = selectors.month_report(self._month(request))
        out = io.StringIO()
        reports.write_csv(report, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="publishers-{report.label}.csv"'
        return response

    @staticmethod
    def _month(request: HttpRequest):
        """`?month=YYYY-MM`; absent or not a month: last month."""
        try:
            return rules.parse_month(request.GET.get("month", ""))
        except ValueError:
            return rules.previous_month(clock.now().date().replace(day=1))
