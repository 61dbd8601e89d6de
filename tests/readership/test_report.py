"""The monthly publisher report on a fixture month whose figures are worked out by hand below (issue 5,
acceptance 4), through the service, `newsstand report publishers` and the admin."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from newsstand.readership import selectors
from newsstand.readership.models import RevenuePool
from newsstand.readership.rules import parse_month
from testkit.commands import command_output
from tests.readership.conftest import make_read, make_reader
from tests.web.rows import make_article, make_publisher

FEB = parse_month("2031-02")


@pytest.fixture
def month(db, settings):
    """February 2031: pool 1000 cents (the month's own, set in the admin; the setting says 5000).

    Alpha Times: r1 reads a1 and a2 on the 1st, r2 reads a1 on the 28th      → 3 reads, 2 readers
    Beta Post:   r1 reads b1 on the 3rd and again on the 4th, r3 on the 5th  → 3 reads, 2 readers
    Gamma Daily: r2 reads c1 on the 10th                                     → 1 read,  1 reader
    Outside the month (not counted): r1 reads a1 on 31 January and on 1 March.
    The month: 7 reads by 3 distinct readers (r1, r2, r3).

    Shares by reads, largest remainder: 1000 × 3/7 = 428.571…, 428.571…, 1000 × 1/7 = 142.857…;
    floors 428 + 428 + 142 = 998, two cents left: one to the largest remainder (Gamma, .857), one to the next
    (.571, Alpha and Beta tied: the earlier in the report's order, most reads then name, is Alpha).
    Alpha 429, Beta 428, Gamma 143: 1000 in all.
    """
    settings.REVENUE_POOL_CENTS = 5000
    RevenuePool.objects.create(month="2031-02", amount_cents=1000)
    alpha = make_publisher(name="Alpha Times", slug="alpha")
    beta = make_publisher(name="Beta Post", slug="beta")
    gamma = make_publisher(name="Gamma Daily", slug="gamma")
    a1, a2, b1, c1 = make_article(alpha), make_article(alpha), make_article(beta), make_article(gamma)
    r1, r2, r3 = (make_reader(f"r{n}@example.com") for n in (1, 2, 3))
    for reader, article, day in [
        (r1, a1, date(2031, 2, 1)),
        (r1, a2, date(2031, 2, 1)),
        (r2, a1, date(2031, 2, 28)),
        (r1, b1, date(2031, 2, 3)),
        (r1, b1, date(2031, 2, 4)),
        (r3, b1, date(2031, 2, 5)),
        (r2, c1, date(2031, 2, 10)),
        (r1, a1, date(2031, 1, 31)),
        (r1, a1, date(2031, 3, 1)),
    ]:
        make_read(reader, article, day)
    return FEB


def test_the_fixture_month_matches_the_hand_computed_figures(month, django_assert_num_queries):
    with django_assert_num_queries(3):
        report = selectors.month_report(month)
    assert (report.pool_cents, report.reads, report.readers) == (1000, 7, 3)
    assert [(line.name, line.reads, line.readers, line.share_cents) for line in report.lines] == [
        ("Alpha Times", 3, 2, 429),
        ("Beta Post", 3, 2, 428),
        ("Gamma Daily", 1, 1, 143),
    ]
    assert sum(line.share_cents for line in report.lines) == report.pool_cents


def test_a_month_without_its_own_pool_takes_the_setting(month):
    march = selectors.month_report(parse_month("2031-03"))
    assert (march.pool_cents, march.reads, march.readers) == (5000, 1, 1)
    assert [(line.name, line.share_cents) for line in march.lines] == [("Alpha Times", 5000)]
    assert selectors.month_report(parse_month("2031-04")).lines == []


def test_reads_by_month_for_the_chart(month):
    months = [parse_month(m) for m in ("2031-01", "2031-02", "2031-03")]
    assert [(s.name, s.reads) for s in selectors.reads_by_month(months)] == [
        ("Alpha Times", [1, 3, 1]),
        ("Beta Post", [0, 3, 0]),
        ("Gamma Daily", [0, 1, 0]),
    ]


TABLE = """\
Reads for 2031-02: pool 10.00

Publisher    Reads  Readers  Share
Alpha Times      3        2   4.29
Beta Post        3        2   4.28
Gamma Daily      1        1   1.43
----------------------------------
Total            7        3  10.00
"""

CSV = """\
month,publisher,slug,reads,unique_readers,share_cents,share
2031-02,Alpha Times,alpha,3,2,429,4.29
2031-02,Beta Post,beta,3,2,428,4.28
2031-02,Gamma Daily,gamma,1,1,143,1.43
"""


def test_the_command_prints_a_table_or_csv(month):
    assert command_output("report", "publishers", "--month", "2031-02") == TABLE
    assert command_output("report", "publishers", "--month", "2031-02", "--csv") == CSV


def test_the_command_refuses_a_bad_month(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        command_output("report", "publishers", "--month", "February")


def test_the_admin_report_with_charts_and_csv_for_staff(month, admin_client):
    html = admin_client.get(reverse("admin:readership_read_report"), {"month": "2031-02"}).content.decode()
    assert "Reads for publishers, 2031-02" in html
    assert "<td>Alpha Times</td><td>3</td><td>2</td><td>429</td>" in html
    assert (
        html.count('<figure class="publisher-chart">') == 3 and 'aria-label="Reads per month for Gamma Daily"' in html
    )
    assert "<title>2031-02: 3 reads</title>" in html
    response = admin_client.get(reverse("admin:readership_read_report_csv"), {"month": "2031-02"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="publishers-2031-02.csv"' in response["Content-Disposition"]
    assert response.content.decode() == CSV
    assert admin_client.get(reverse("admin:readership_read_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:readership_revenuepool_changelist")).status_code == 200


@pytest.mark.parametrize("name", ["admin:readership_read_report", "admin:readership_read_report_csv"])
def test_the_admin_report_is_refused_to_readers_and_anonymous(month, client, name):
    url = reverse(name)
    response = client.get(url, {"month": "2031-02"})
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    client.force_login(make_reader("reader@example.com"))
    response = client.get(url, {"month": "2031-02"})
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("name", ["admin:readership_read_report", "admin:readership_read_report_csv"])
def test_the_admin_report_needs_the_permission_to_view_reads(month, client, name):
    """Staff see only what their permissions allow: the revenue figures are for those who may view reads."""
    from django.contrib.auth.models import Permission

    staff = make_reader("staff@example.com")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    response = client.get(reverse(name), {"month": "2031-02"})
    assert response.status_code == 403 and b"Alpha Times" not in response.content
    staff.user_permissions.add(Permission.objects.get(codename="view_read", content_type__app_label="readership"))
    response = client.get(reverse(name), {"month": "2031-02"})
    assert response.status_code == 200 and b"Alpha Times" in response.content
