"""The contact cards: one vCard 3.0 file per contact group with a card per person
(FN and N are the person's name, so phones save the contact under it), parsed
back with vobject and compared with the edition's contacts.yaml; RFC 2426
framing; PRODID and UIDs of the edition's year; linked from 联系方式 with a
readable download name."""

from __future__ import annotations

import dataclasses
import html
import re
import uuid
from pathlib import Path

import pytest
import vobject

from sitegen.outputs import vcards
from sitegen.textfmt import phone_digits


@pytest.fixture(scope="module")
def produced(site_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("vcf")
    return out, {item.key: item for item in vcards.produce(site_data, out)}


def read(out: Path, item):
    data = (out / item.path).read_bytes()
    return data, list(vobject.readComponents(data.decode("utf-8")))


def values(card, name: str) -> list:
    return [line for line in card.contents.get(name, [])]


def test_one_card_per_contact_group(site_data, produced):
    out, items = produced
    assert set(items) == {f"vcard-{c.id}" for c in site_data.contacts}
    for contact in site_data.contacts:
        item = items[f"vcard-{contact.id}"]
        assert re.fullmatch(r"downloads/[a-z0-9-]+\.vcf", item.path)
        assert item.file_name == f"{contact.organization}{contact.department}-{'、'.join(contact.people)}.vcf"
        assert item.format == "名片"
        assert not set(item.file_name) & set('\\/:*?"<>|'), "not a valid file name on Windows"


def test_every_card_matches_the_data(site_data, produced):
    out, items = produced
    uids = set()
    for contact in site_data.contacts:
        data, cards = read(out, items[f"vcard-{contact.id}"])
        assert [c.fn.value for c in cards] == list(contact.people), "one card per person, named after them"
        for person, card in zip(contact.people, cards):
            assert card.version.value == "3.0"
            assert card.prodid.value == f"-//{site_data.document.issuer}//{site_data.key}全国科技工作者日活动网站//ZH"
            # The name a phone files the contact under: FN, and N (RFC 2426 requires both).
            assert card.fn.value == person
            assert str(card.n.value).strip() == person
            assert card.n.value.family == person and card.n.value.given == ""
            assert card.org.value == [contact.organization, contact.department]
            # Phones in +86 form, one per number in the data.
            tels = values(card, "tel")
            assert len(tels) == len(contact.phones)
            for tel, phone in zip(tels, contact.phones):
                types = {t.upper() for t in ",".join(tel.params["TYPE"]).split(",")}
                assert {"WORK", "VOICE"} <= types
                assert tel.value == "+86" + phone_digits(phone).lstrip("0")
            assert [e.value for e in values(card, "email")] == list(contact.emails)
            note = card.note.value
            assert contact.purpose in note and contact.name in note and contact.source in note
            # as a phone shows it: the office, then the purpose as the data words it, no label that it may contradict
            assert note.startswith(f"{contact.name}。{contact.purpose.rstrip('。')}。"), note
            assert "负责：" not in note and "。。" not in note, note
            for other in contact.people:
                assert other in note or other == person
            assert site_data.audience(contact.audience).short in card.categories.value
            assert "kind" not in card.contents and "related" not in card.contents  # vCard 4.0 only
            assert card.uid.value == vcards.card_uid(site_data, contact, person)
            uids.add(card.uid.value)
    assert len(uids) == sum(len(c.people) for c in site_data.contacts)


def test_a_group_of_two_saves_two_named_contacts(site_data, produced):
    out, items = produced
    groups = [c for c in site_data.contacts if len(c.people) > 1]
    assert groups, "the data has a contact group with two people (中国科协培训和人才服务中心)"
    for contact in groups:
        _, cards = read(out, items[f"vcard-{contact.id}"])
        assert len(cards) == len(contact.people)
        assert len({c.uid.value for c in cards}) == len(cards)


def test_uids_differ_between_editions(site_data):
    """The same contact id in another year's notice is another card (no merge across years)."""
    other = dataclasses.replace(site_data, key=str(site_data.year + 1))
    for contact in site_data.contacts:
        assert vcards.card_uid(other, contact) != vcards.card_uid(site_data, contact)


def test_crlf_and_folding(produced):
    out, items = produced
    folded = 0
    for item in items.values():
        data = (out / item.path).read_bytes()
        assert data.startswith(b"BEGIN:VCARD\r\nVERSION:3.0\r\n")
        assert data.endswith(b"END:VCARD\r\n")
        assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
        for line in data.split(b"\r\n")[:-1]:
            assert len(line) <= 75, f"{len(line)} octets: {line[:40]!r}"
            line.decode("utf-8")  # no character split by folding
            folded += line.startswith(b" ")
    assert folded, "the long Chinese notes should need folding"


def test_text_values_are_escaped(site_data, tmp_path):
    """Commas and semicolons in the data survive the round trip."""
    contact = site_data.contacts[0]
    odd = dataclasses.replace(contact, department="学术交流,科普;部", purpose="报送方案；咨询, 其他\\事宜")
    text = vcards.vcard(site_data, odd, odd.people[0])
    card = vobject.readOne(text)
    assert card.org.value == [contact.organization, "学术交流,科普;部"]
    assert "报送方案；咨询, 其他\\事宜" in card.note.value


def test_same_data_same_bytes(site_data, produced, tmp_path):
    out, items = produced
    for item in vcards.produce(site_data, tmp_path):
        assert (tmp_path / item.path).read_bytes() == (out / item.path).read_bytes()


def test_linked_from_contacts_page(edition_dir, site_data):
    page = (edition_dir / "contacts" / "index.html").read_text(encoding="utf-8")
    for contact in site_data.contacts:
        path = vcards.path_for(contact)
        assert f'href="../{path}"' in page
        cards = list(vobject.readComponents((edition_dir / path).read_bytes().decode("utf-8")))
        assert [c.uid.value for c in cards] == [vcards.card_uid(site_data, contact, p) for p in contact.people]
        name = html.escape(vcards.file_name(contact), quote=True)
        assert re.search(rf'<a [^>]*href="../{re.escape(path)}"[^>]*download="{re.escape(name)}"', page) or \
            re.search(rf'<a [^>]*download="{re.escape(name)}"[^>]*href="../{re.escape(path)}"', page), path
