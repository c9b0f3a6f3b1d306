"""Honest wording (issue 11 item 8): what binds the member units comes from the
notice; what the site adds is marked 本站建议 or 本站的理解; nothing is invented.

The expected texts are built from each edition's data: a deadline's
``suggested`` lists what the notice leaves open (format, channel).
"""

from __future__ import annotations

import re
from html import unescape

from sitegen import textfmt

SUGGESTED = "本站建议"


def text_of(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", "", unescape(re.sub(r"<[^>]+>", "", html)))


def page_text(edition_dir, page: str) -> str:
    return text_of((edition_dir / page / "index.html").read_text(encoding="utf-8"))


def members(edition):
    return edition.deadlines_for(edition.primary.key)


def test_home_states_every_member_deadline_as_the_notice_words_it(edition_dir, site_data):
    text = page_text(edition_dir, "")
    for d in members(site_data):
        assert f"{textfmt.due_text(d)}提交{d.what}" in text or f"{textfmt.due_text(d)}发送到邮箱" in text, d.key
    assert "活动结束后提交" not in text  # the notice dates the summary report; it is not "after the activities"


def test_suggested_format_and_channel_are_marked_where_they_are_stated(edition_dir, site_data):
    howto = page_text(edition_dir, "howto")
    timeline = (edition_dir / "timeline" / "index.html").read_text(encoding="utf-8")
    for d in members(site_data):
        if "format" in d.suggested:
            assert f"通知没有规定格式，{SUGGESTED}：{d.format}".replace(" ", "") in howto, d.key
        row = re.search(rf'<tr id="due-{re.escape(d.key)}">(.*?)</tr>', timeline, re.S).group(1)
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        fmt, channel = text_of(cells[2]), text_of(cells[3])
        assert (SUGGESTED in fmt) == ("format" in d.suggested), (d.key, fmt)
        assert (SUGGESTED in channel) == ("channel" in d.suggested), (d.key, channel)


def test_word_limits_are_quoted_without_an_added_about(edition_dir, site_data):
    howto = page_text(edition_dir, "howto")
    limit = site_data.form.plan.word_limit
    assert f"原则上每项活动{limit}字以内" in howto
    assert f"约{limit}字" not in howto
    for d in site_data.deadlines:
        if d.word_limit:
            assert f"约{d.word_limit}字" not in howto
            # 中国科协's limit is offered to member units only as a suggestion
            sentence = next(s for s in re.split(r"[。]", howto) if f"合计{d.word_limit}字以内" in s and "学会通知" in s)
            assert SUGGESTED in sentence or "本站建议参照" in sentence, sentence


def test_the_upload_has_no_invented_deadline_or_contact(edition_dir, site_data):
    assert not site_data.deadlines_by("platform"), "the plan gives no deadline for 择优上传"
    platform = site_data.document.platform.name
    for page in ("timeline", "howto"):
        text = page_text(edition_dir, page)
        assert platform in text
        assert "上传的截止时间和联系人，原文未规定" in text, page


def test_timeline_states_the_sites_reading_of_before(edition_dir, site_data):
    text = page_text(edition_dir, "timeline")
    before = [d for d in site_data.deadlines if d.due_kind != "on"]
    assert before, "the edition has no deadline written with 前"
    assert "含当天（本站的理解）" in text and "不是通知原文的规定" in text
    for d in before:
        assert f"“{textfmt.due_text(d)}”即最迟{textfmt.md(d.due)}（{textfmt.weekday(d.due)}）" in text, d.key


def test_the_plan_says_before_its_text_whose_dates_it_quotes(edition_dir, site_data):
    """A member unit that lands on 实施方案原文 (from a search) reads first, in the site's words, that its
    dates are 中国科协's, and which are the member units' own, before the official text begins."""
    html = (edition_dir / "plan" / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):]
    before = text_of(article[: article.index('class="official"')])
    assert "本站提示" in before, before
    for d in members(site_data):
        assert f"{d.what}{textfmt.due_text(d)}" in before, (d.key, before)
    for d in site_data.deadlines_for(site_data.others[0].key):
        assert textfmt.due_text(d) in text_of(article[article.index('class="official"'):])
