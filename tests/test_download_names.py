"""Every download link in the built pages saves under a readable Chinese name
(the download attribute, derived from the data, surviving Markdown and the
engine), shows type and size, and no build date or checksum sits on the
reading path (issue 11 item 4)."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from sitegen.outputs import calendar, form_docx, vcards

# The pages with download links, below an edition's folder; "" is the site root (a copy of the current 首页).
PAGES = ["index.html", "timeline/index.html", "contacts/index.html", "form/index.html", "howto/index.html"]
CJK = re.compile(r"[\u4e00-\u9fff]")
SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


def links(page: Path) -> list:
    tree = lxml.html.fromstring(page.read_bytes())
    return [a for a in tree.xpath("//article//a[@href]") if re.search(r"(^|/)downloads/", a.get("href"))
            and not a.get("href").startswith("webcal:")]


@pytest.mark.parametrize("page", PAGES)
def test_every_download_link_has_a_readable_name(edition_dir, site_data, page):
    found = links(edition_dir / page)
    assert found, f"{page} has download links"
    for a in found:
        href = a.get("href")
        name = a.get("download")
        assert name, f"{page}: {href} has no download attribute"
        assert Path(name).suffix == Path(href).suffix, (name, href)
        assert CJK.search(name), f"{name} is not a readable Chinese name"
        assert not set(name) & set('\\/:*?"<>|'), name
        assert re.fullmatch(r"[a-z0-9./-]+", href.split("downloads/")[1]), "files on disk keep ASCII names"
        assert (edition_dir / page).parent.joinpath(href).resolve().is_file(), href


def test_names_come_from_the_data(edition_dir, site_data):
    """The names are the data's: the form's file_name with the year, the audience, the office and its people."""
    def by_href(page):
        return {a.get("href").rsplit("/", 1)[-1]: a.get("download") for a in links(edition_dir / page)}

    home, timeline, contacts = by_href("index.html"), by_href("timeline/index.html"), by_href("contacts/index.html")
    docx = form_docx.url_path(site_data).rsplit("/", 1)[-1]
    assert home[docx] == f"{site_data.key}年{site_data.form.file_name}.docx"
    for audience in site_data.audiences:
        ics = calendar.path_for(site_data, audience.key).rsplit("/", 1)[-1]
        assert timeline[ics] == f"{site_data.document.holiday.year}年全国科技工作者日-{audience.short}截止时间.ics"
    assert home[calendar.path_for(site_data, site_data.primary.key).rsplit("/", 1)[-1]].endswith(
        f"-{site_data.primary.short}截止时间.ics")
    for contact in site_data.contacts:
        vcf = vcards.path_for(contact).rsplit("/", 1)[-1]
        assert contacts[vcf] == f"{contact.organization}{contact.department}-{'、'.join(contact.people)}.vcf"


@pytest.mark.parametrize("page", PAGES)
def test_no_build_date_and_no_checksum_on_the_reading_path(edition_dir, page):
    tree = lxml.html.fromstring((edition_dir / page).read_bytes())
    article = tree.xpath("//article")[0]
    for folded in article.xpath('.//details[contains(@class, "downloads__about")]'):
        folded.drop_tree()
    text = article.text_content()
    assert not SHA256.search(text), f"{page}: a SHA-256 value outside the details"
    assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日生成", text), f"{page}: a build date"


def test_file_sizes_are_shown_next_to_calendar_and_card_links(edition_dir):
    for page, label in (("timeline/index.html", "日历文件，"), ("contacts/index.html", "名片，")):
        for a in links(edition_dir / page):
            after = a.getparent().text_content()
            assert re.search(label + r"\d+(\.\d)? (B|KB|MB)", after), (page, after)


def test_a_files_date_is_the_notice_date_or_its_latest_change(site_data, tmp_path):
    """Never the build clock: a change note on a fact a file shows moves that file's date, and only its."""
    import dataclasses
    import datetime as dt

    from sitegen.model import FactChange
    from sitegen.outputs import form_pdf

    contact = site_data.contacts[0]
    day = site_data.document.date + dt.timedelta(days=5)
    change = FactChange(kind="contact", key=contact.id, field="phones", old=("010-1",), new=tuple(contact.phones),
                        path="contacts[0].phones", file="contacts.yaml", line=None, date=day, note="电话有变")
    edited = dataclasses.replace(site_data, history=(change,))
    cards = {item.key: item.date for item in vcards.produce(edited, tmp_path)}
    assert cards[f"vcard-{contact.id}"] == day
    assert all(d == site_data.document.date for k, d in cards.items() if k != f"vcard-{contact.id}")
    assert {item.date for item in form_pdf.produce(edited, tmp_path)} == {site_data.document.date}
    calendars = {item.key: item.date for item in calendar.produce(edited, tmp_path)}
    uses = {d.audience for d in site_data.deadlines if d.contact == contact.id}
    for audience in site_data.audiences:
        assert calendars[f"ics-{audience.key}"] == (day if audience.key in uses else site_data.document.date)
