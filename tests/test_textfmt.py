"""Formatting helpers: dates as the plan writes them, phone numbers, book-title marks."""

import datetime as dt

import pytest

from sitegen import textfmt


@pytest.mark.parametrize(
    "start, end, full, expected",
    [
        ("2021-05-10", "2021-05-25", False, "5月10日-25日"),
        ("2021-05-26", "2021-06-05", False, "5月26日-6月5日"),
        ("2021-06-06", "2021-06-30", True, "6月6日-6月30日"),
    ],
)
def test_spans_as_the_plan_writes_them(start, end, full, expected):
    assert textfmt.span(dt.date.fromisoformat(start), dt.date.fromisoformat(end), full) == expected


@pytest.mark.parametrize(
    "phone, href, shown",
    [
        ("010-51871797", "tel:+861051871797", "010-51871797"),
        ("(010) 68586651", "tel:+861068586651", "010-68586651"),
        ("（0571）87654321", "tel:+8657187654321", "0571-87654321"),
        ("13800000000", "tel:+8613800000000", "13800000000"),
        ("010-51871797-123", "tel:+861051871797;ext=123", "010-51871797转123"),
    ],
)
def test_phone_links_dial_the_number_and_keep_the_extension_apart(phone, href, shown):
    assert textfmt.tel_href(phone) == href
    assert textfmt.phone_display(phone) == shown


def test_book_title_nests_marks():
    title = "关于转发中国科协《2021年“全国科技工作者日”活动实施方案》的通知"
    assert textfmt.book_title(title) == "《关于转发中国科协〈2021年“全国科技工作者日”活动实施方案〉的通知》"


def test_due_text_follows_the_official_wording(site_data):
    expected = {"on": "{m}月{d}日", "before": "{m}月{d}日前", "month_end": "{m}月底前"}
    for d in site_data.deadlines:
        assert textfmt.due_text(d) == expected[d.due_kind].format(m=d.due.month, d=d.due.day), d.key


def test_due_text_of_the_2021_notice(site_model):
    words = {d.key: textfmt.due_text(d) for d in site_model.edition("2021").deadlines}
    assert words["members-plan"] == "5月8日"
    assert words["members-summary"] == "6月25日前"
    assert words["cast-summary"] == "6月底前"
